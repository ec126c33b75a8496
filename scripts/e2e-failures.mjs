// Lists the Playwright tests that failed, from the JSON report, one line
// each with the project, the place and the first line of the error — so the
// end of a long CI log says which tests failed without scrolling back.
//
//   node scripts/e2e-failures.mjs report.json
import { readFileSync } from "node:fs";

// Escape sequences (colours) out, one line, at most 300 characters.
const firstLine = (text) =>
  (text ?? "").replace(/\u001b\[[0-9;]*m/g, "").split("\n").find((l) => l.trim() !== "")?.trim().slice(0, 300) ?? "";

const failed = [];
const walk = (suite, titles) => {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status !== "unexpected") continue;
      const last = test.results?.[test.results.length - 1];
      const error = last?.errors?.[0]?.message ?? last?.error?.message;
      failed.push(
        `FAILED [${test.projectName}] ${spec.file}:${spec.line} ${[...titles, spec.title].join(" › ")}\n       ${firstLine(error)}`,
      );
    }
  }
  for (const child of suite.suites ?? []) walk(child, suite.title && !suite.title.endsWith(".ts") ? [...titles, suite.title] : titles);
};
const report = JSON.parse(readFileSync(process.argv[2], "utf8"));
for (const suite of report.suites ?? []) walk(suite, []);
for (const line of failed) console.log(line);
