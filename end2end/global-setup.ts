import { rmSync } from "node:fs";
import { lockDir, REGION_SETTINGS_LOCK } from "./tests/helpers";

// cargo-leptos and our test script start the server without waiting for it:
// poll /ready until the app and its database answer.
export default async function globalSetup() {
  // Locks a killed run left behind (see `exclusively`).
  rmSync(lockDir(REGION_SETTINGS_LOCK), { recursive: true, force: true });
  const base = process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100";
  const deadline = Date.now() + 60_000;
  let last = "";
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${base}/ready`);
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (e) {
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the app at ${base} did not become ready: ${last}`);
}
