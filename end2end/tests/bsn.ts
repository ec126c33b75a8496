import type { TestInfo } from "@playwright/test";

/** A BSN that passes the 11-check, different per project and run. */
export function validBsn(seed: number): string {
  for (let n = seed; ; n++) {
    const first8 = String(10_000_000 + (n % 89_999_999)).padStart(8, "0");
    const sum = [...first8].reduce((acc, d, i) => acc + (9 - i) * Number(d), 0);
    const last = sum % 11;
    if (last <= 9) return first8 + String(last);
  }
}

export function seedFor(testInfo: TestInfo): number {
  return (Date.now() % 10_000_000) * 2 + (testInfo.project.name === "no-js" ? 1 : 0) + testInfo.workerIndex * 7919;
}

