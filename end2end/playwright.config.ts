import { defineConfig } from "@playwright/test";

// Browsers come from Debian (chromium), never from Playwright's download.
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};

export default defineConfig({
  testDir: "./tests",
  globalSetup: "./global-setup.ts",
  timeout: 30_000,
  // 20 s: on a 2-core CI machine the first tests run while two app
  // instances, two browsers and PostgreSQL start up; one run saw a 10.5 s
  // stall there (see the closing note of issue 8). What is asserted is the
  // same; only how long a slow machine may take.
  expect: { timeout: 20_000 },
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  use: {
    baseURL: process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100",
    locale: "nl-NL",
    trace: "retain-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "hydrated", use: { javaScriptEnabled: true } },
    { name: "no-js", use: { javaScriptEnabled: false } },
  ],
});
