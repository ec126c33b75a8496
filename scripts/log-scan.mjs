// Scans server logs for personal data: any nine-digit number that passes
// the BSN eleven-check, and the marker that the browser tests put in
// youths' names, action texts and notes (`__xss`). Prints one line per hit
// ("VIOLATION file:line: …", the number itself masked) and exits 1 on any.
//
//   node scripts/log-scan.mjs server.log [more.log …]
import { readFileSync } from "node:fs";

const elevenCheck = (s) => {
  const sum = [...s].reduce((acc, d, i) => acc + (i < 8 ? (9 - i) : -1) * Number(d), 0);
  return sum % 11 === 0;
};

let hits = 0;
let lines = 0;
for (const file of process.argv.slice(2)) {
  readFileSync(file, "utf8").split("\n").forEach((line, i) => {
    lines++;
    const numbers = line.match(/(?<![0-9A-Za-z-])[0-9]{9}(?![0-9A-Za-z-])/g) ?? [];
    const bsns = numbers.filter(elevenCheck);
    if (bsns.length > 0 || line.includes("__xss")) {
      hits++;
      const shown = bsns.reduce((l, b) => l.replaceAll(b, `${b.slice(0, 2)}*******`), line);
      console.log(`VIOLATION ${file}:${i + 1}: ${shown.slice(0, 300)}`);
    }
  });
}
console.log(`log scan: ${lines} lines, ${hits} with a BSN or a youth's name`);
process.exit(hits > 0 ? 1 : 0);
