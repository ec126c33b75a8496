import { createHmac } from "node:crypto";
import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { exclusively, REGION_SETTINGS_LOCK, expectAccessible, logIn, logOut, PASSWORD, settled } from "./helpers";

// One account per project, and the tests of this file one after another:
// they change the account's second factor and password.
test.describe.configure({ mode: "serial" });
const account = (testInfo: TestInfo) =>
  testInfo.project.name === "no-js" ? "hans@jbnoord.example" : "femke@jbnoord.example";

/** The code an authenticator app shows for `secret` (base32), `offset` steps from now. */
function totp(secret: string, offset = 0): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const c of secret.replace(/\s/g, "")) {
    buffer = (buffer << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((buffer >> bits) & 0xff);
    }
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 1000 / 30) + offset));
  const digest = createHmac("sha1", Buffer.from(bytes)).update(counter).digest();
  const at = digest[19] & 0x0f;
  const value = (digest.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

async function openAccount(page: Page, testInfo: TestInfo) {
  await page.getByRole("link", { name: "Mijn account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Mijn account" })).toBeVisible();
  await settled(page, testInfo);
}

test("a professional sets up an app, logs in with a code and a recovery code, puts another app in its place and turns it off", async ({ page }, testInfo) => {
  // The longest flow of the suite: four log-ins (Argon2 each), setting up
  // an app, putting another in its place and nine axe checks. Alone beside
  // the other project's worker it took 31 s hydrated and 47 s without
  // JavaScript (measured on this kind of machine), so the default 30 s
  // budget is too tight for it, not the app too slow.
  test.setTimeout(90_000);
  const email = account(testInfo);
  await logIn(page, testInfo, email);
  await expect(page).toHaveURL(/\/$/);
  await openAccount(page, testInfo);
  await expect(page.getByText("Tweestapsverificatie staat uit.")).toBeVisible();
  await expectAccessible(page, testInfo);

  await page.getByRole("link", { name: "Tweestapsverificatie instellen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tweestapsverificatie instellen" })).toBeVisible();
  await settled(page, testInfo);
  await expect(page.getByRole("img", { name: "QR-code om Zorgsignaal aan je app toe te voegen" })).toBeVisible();
  const secret = ((await page.getByText(/^Sleutel:/).textContent()) ?? "").replace("Sleutel:", "").trim();
  expect(secret).toMatch(/^[A-Z2-7 ]{32,}$/);
  await expectAccessible(page, testInfo);

  // A wrong code: the message beside the field, nothing switched on.
  const code = page.getByLabel("Code uit je app");
  const wrong = totp(secret) === "000000" ? "000001" : "000000";
  await code.fill(wrong);
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.getByLabel("Code uit je app")).toHaveAccessibleDescription(/Deze code klopt niet/);
  await expectAccessible(page, testInfo);

  await page.getByLabel("Code uit je app").fill(totp(secret));
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Je herstelcodes" })).toBeVisible();
  const codes = page.getByRole("list", { name: "Herstelcodes" }).getByRole("listitem");
  await expect(codes).toHaveCount(10);
  const recovery = ((await codes.nth(2).textContent()) ?? "").trim();
  expect(recovery).toMatch(/^[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}$/);
  const spare = ((await codes.nth(4).textContent()) ?? "").trim();
  await expectAccessible(page, testInfo);

  // Now a password alone is not enough.
  await page.goto("/");
  await logOut(page);
  await logIn(page, testInfo, email);
  await expect(page).toHaveURL(/\/inloggen\/code$/);
  await expect(page.getByRole("heading", { level: 1, name: "Code invullen" })).toBeVisible();
  await settled(page, testInfo);
  await expectAccessible(page, testInfo);
  await page.getByLabel("Code").fill("12ab");
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page.getByLabel("Code")).toHaveAccessibleDescription(/6 cijfers/);
  // The code of the next step (the current one confirmed the app).
  await page.getByLabel("Code").fill(totp(secret, 1));
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { level: 1, name: /^Welkom/ })).toBeVisible();

  // A recovery code works once.
  await logOut(page);
  await logIn(page, testInfo, email);
  await expect(page).toHaveURL(/\/inloggen\/code$/);
  await settled(page, testInfo);
  await page.getByLabel("Code").fill(recovery);
  await page.getByRole("button", { name: "Inloggen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: /^Welkom/ })).toBeVisible();

  // Another app in its place: the password and a code of the current one
  // (here a recovery code) as well as the new app's code.
  await settled(page, testInfo);
  await openAccount(page, testInfo);
  await expect(page.getByText("Je hebt nog 9 ongebruikte herstelcodes.", { exact: false })).toBeVisible();
  await expectAccessible(page, testInfo);
  await page.getByRole("link", { name: "Een andere app instellen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tweestapsverificatie instellen" })).toBeVisible();
  await settled(page, testInfo);
  const next = ((await page.getByText(/^Sleutel:/).textContent()) ?? "").replace("Sleutel:", "").trim();
  await page.getByLabel("Code uit je app").fill(totp(next));
  await page.getByLabel("Je wachtwoord").fill("niet-het-wachtwoord");
  await page.getByLabel("Code uit je huidige app, of een herstelcode").fill(spare);
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.getByLabel("Je wachtwoord")).toHaveAccessibleDescription("Dit wachtwoord klopt niet.");
  await expectAccessible(page, testInfo);
  await page.getByLabel("Code uit je app").fill(totp(next));
  await page.getByLabel("Je wachtwoord").fill(PASSWORD);
  await page.getByLabel("Code uit je huidige app, of een herstelcode").fill(spare);
  await page.getByRole("button", { name: "Bevestigen" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Je herstelcodes" })).toBeVisible();
  const renewed = page.getByRole("list", { name: "Herstelcodes" }).getByRole("listitem");
  await expect(renewed).toHaveCount(10);
  const fresh = ((await renewed.nth(0).textContent()) ?? "").trim();

  // Off again, with the password and a code (a recovery code of the new app).
  await openAccount(page, testInfo);
  await expect(page.getByText("Je hebt nog 10 ongebruikte herstelcodes.", { exact: false })).toBeVisible();
  await page.getByLabel("Wachtwoord (om uit te zetten)").fill(PASSWORD);
  await page.getByLabel("Code uit je app, of een herstelcode (om uit te zetten)").fill("AAAA-BBBB-CCCC");
  await page.getByRole("button", { name: "Tweestapsverificatie uitzetten" }).click();
  await expect(page.getByLabel("Code uit je app, of een herstelcode (om uit te zetten)")).toHaveAccessibleDescription(/Deze code klopt niet/);
  await expectAccessible(page, testInfo);
  await page.getByLabel("Wachtwoord (om uit te zetten)").fill(PASSWORD);
  await page.getByLabel("Code uit je app, of een herstelcode (om uit te zetten)").fill(fresh);
  await page.getByRole("button", { name: "Tweestapsverificatie uitzetten" }).click();
  await expect(page.getByText("Tweestapsverificatie staat uit.")).toBeVisible();
  await logOut(page);
  await logIn(page, testInfo, email);
  await expect(page).toHaveURL(/\/$/);
});

test("a password change ends the other sessions and keeps this one", async ({ page, browser }, testInfo) => {
  const email = account(testInfo);
  // A second device, logged in first.
  const other = await browser.newContext({ javaScriptEnabled: testInfo.project.name !== "no-js", locale: "nl-NL" });
  const otherPage = await other.newPage();
  await logIn(otherPage, testInfo, email);
  await expect(otherPage).toHaveURL(/\/$/);

  await logIn(page, testInfo, email);
  await expect(page).toHaveURL(/\/$/);
  await settled(page, testInfo);
  await openAccount(page, testInfo);
  const fresh = "een-nieuw-lang-wachtwoord";
  await page.getByLabel("Huidig wachtwoord").fill(PASSWORD);
  await page.getByLabel("Nieuw wachtwoord", { exact: true }).fill("kort");
  await page.getByLabel("Nieuw wachtwoord nog een keer").fill("kort");
  await page.getByRole("button", { name: "Wachtwoord wijzigen" }).click();
  await expect(page.getByLabel("Nieuw wachtwoord", { exact: true })).toHaveAccessibleDescription(
    "Minstens 12 tekens Een wachtwoord heeft minstens 12 tekens.",
  );
  await expectAccessible(page, testInfo);

  await page.getByLabel("Huidig wachtwoord").fill(PASSWORD);
  await page.getByLabel("Nieuw wachtwoord", { exact: true }).fill(fresh);
  await page.getByLabel("Nieuw wachtwoord nog een keer").fill(fresh);
  await page.getByRole("button", { name: "Wachtwoord wijzigen" }).click();
  await expect(page.getByRole("status")).toHaveText("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.");
  await expectAccessible(page, testInfo);

  // The other device is logged out; this one is not.
  await otherPage.goto("/acties");
  await expect(otherPage).toHaveURL(/\/inloggen$/);
  await page.goto("/acties");
  await expect(page.getByRole("heading", { level: 1, name: "Mijn acties" })).toBeVisible();
  await other.close();

  // And back, so the demo password holds for the next run of the demo.
  await settled(page, testInfo);
  await openAccount(page, testInfo);
  await page.getByLabel("Huidig wachtwoord").fill(fresh);
  await page.getByLabel("Nieuw wachtwoord", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Nieuw wachtwoord nog een keer").fill(PASSWORD);
  await page.getByRole("button", { name: "Wachtwoord wijzigen" }).click();
  await expect(page.getByRole("status")).toHaveText("Je wachtwoord is gewijzigd. Op andere apparaten ben je uitgelogd.");
});

test("a region admin asks every professional in the region for a second factor", async ({ page }, testInfo) => {
  // Both projects share the one demo region and run at the same time: each
  // changes the setting and sets it back while the other waits.
  await logIn(page, testInfo, "rita@regio.example");
  await exclusively(REGION_SETTINGS_LOCK, () => regionSetting(page, testInfo));
});

/** Saves the region's form and waits for the server's answer (a fetch, or the form post). */
async function save(page: Page) {
  const answered = page.waitForResponse(
    (r) => new URL(r.url()).pathname === "/api/set_region_two_factor" && r.request().method() === "POST",
  );
  await page.getByRole("button", { name: "Opslaan" }).click();
  expect((await answered).status()).toBeLessThan(400);
  // Without JavaScript the answer sends the browser back to the page.
  await page.waitForURL(/\/regio$/, { waitUntil: "load" });
  await page.reload();
}

async function regionSetting(page: Page, testInfo: TestInfo) {
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Regio", exact: true }).click();
  await expect(page.getByRole("heading", { level: 2, name: "Tweestapsverificatie" })).toBeVisible();
  await settled(page, testInfo);
  const group = page.getByRole("group", { name: "Verplicht voor iedereen in de regio" });
  await expect(group.getByRole("radio", { name: /^Nee/ })).toBeChecked();
  await expectAccessible(page, testInfo);
  await expect(page.getByRole("button", { name: "Opslaan" })).toBeVisible();
  await group.getByRole("radio", { name: /^Ja/ }).check();
  await save(page);
  await expect(page.getByRole("group", { name: "Verplicht voor iedereen in de regio" }).getByRole("radio", { name: /^Ja/ })).toBeChecked();
  await settled(page, testInfo);
  await page.getByRole("group", { name: "Verplicht voor iedereen in de regio" }).getByRole("radio", { name: /^Nee/ }).check();
  await save(page);
  await expect(page.getByRole("group", { name: "Verplicht voor iedereen in de regio" }).getByRole("radio", { name: /^Nee/ })).toBeChecked();
}
