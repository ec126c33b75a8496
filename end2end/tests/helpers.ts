import { mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, type TestInfo } from "@playwright/test";

/**
 * Fails on any WCAG 2.1 A or AA violation on the page as it is now.
 *
 * axe runs as JavaScript in the page, which the no-JS project forbids; there
 * the same URL is opened with the same session cookies in a second context
 * that blocks every script and wasm file of the app, so axe sees exactly the
 * server-rendered page a browser without JavaScript gets.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo) {
  let target = page;
  let close = async () => {};
  if (testInfo.project.name === "no-js") {
    const browser = page.context().browser();
    if (!browser) throw new Error("no browser");
    const context = await browser.newContext({ javaScriptEnabled: true, locale: "nl-NL" });
    await context.addCookies(await page.context().cookies());
    await context.route(/\.(js|wasm)(\?.*)?$/, (route) => route.abort());
    target = await context.newPage();
    await target.goto(page.url());
    close = () => context.close();
  }
  try {
    const result = await new AxeBuilder({ page: target })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"])
      .analyze();
    const summary = result.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
    expect(summary, `axe violations on ${page.url()}`).toEqual([]);
  } finally {
    await close();
  }
}

/** In the hydrated project, waits until the WASM has taken over the page. */
export async function settled(page: Page, testInfo: TestInfo) {
  if (testInfo.project.name === "hydrated") {
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  }
}

export const PASSWORD = "demo-wachtwoord";

export async function logIn(page: Page, testInfo: TestInfo, email: string, password = PASSWORD) {
  await page.goto("/inloggen");
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Inloggen" })).toBeVisible();
  await page.getByLabel("E-mailadres").fill(email);
  await page.getByLabel("Wachtwoord").fill(password);
  await page.getByRole("button", { name: "Inloggen" }).click();
}

export async function logOut(page: Page) {
  await page.getByRole("button", { name: "Uitloggen" }).click();
  await expect(page).toHaveURL(/\/inloggen$/);
}

/** Fills the youth fields of the registration and signal forms. */
export async function fillYouth(page: Page, bsn: string, familyName: string, birthDate = "2015-06-01") {
  await page.getByLabel("BSN").fill(bsn);
  await page.getByLabel("Voornamen").fill("Sanne");
  await page.getByLabel("Achternaam").fill(familyName);
  await page.getByLabel("Geboortedatum").fill(birthDate);
  await page.getByLabel("Woongemeente").selectOption({ label: "Groningen" });
}

/** Two years old: the demo covenant's rule 1 (0–4 and JGZ involved) applies. */
export function toddlerBirthDate(): string {
  const d = new Date();
  d.setFullYear(d.getFullYear() - 2);
  d.setMonth(d.getMonth() - 1);
  return d.toISOString().slice(0, 10);
}

/** The date `n` days from today, as an <input type="date"> takes it. */
export function inDays(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * Runs `body` while no other worker runs a body under the same `name`: for
 * the few tests that change a setting both projects' tests look at (the
 * demo region's). The lock is a directory (mkdir is atomic); global-setup
 * removes any left by a run that was killed.
 */
export async function exclusively<T>(name: string, body: () => Promise<T>): Promise<T> {
  const dir = lockDir(name);
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      mkdirSync(dir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await body();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Where the lock `name` of this run lives (one per app address). */
export function lockDir(name: string): string {
  const base = new URL(process.env.E2E_BASE_URL ?? "http://127.0.0.1:3100");
  return join(tmpdir(), `zorgsignaal-e2e-${base.port || "80"}-${name}.lock`);
}

/** The lock around changes to the demo region's settings. */
export const REGION_SETTINGS_LOCK = "region-settings";
