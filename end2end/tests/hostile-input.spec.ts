import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { validBsn, seedFor } from "./bsn";
import { expectAccessible, inDays, logIn, logOut, settled, toddlerBirthDate } from "./helpers";

// Script and HTML in every text field a case passes through, and SQL
// metacharacters beside them: each is stored and shown as the text it is,
// and nothing of it runs.
const GIVEN = `<img src=x onerror="window.__xss=1">`;
const PREFIX = `'";--`;
const TITLE = `<b>vet</b><script>window.__xss=1</script>`;
const DESCRIPTION = `Robert'); DROP TABLE actions;-- <svg onload=window.__xss=1>`;
const NOTE = `<iframe src="javascript:window.__xss=1"></iframe> ' OR 1=1; DELETE FROM signals; --`;

async function fillHostileYouth(page: Page, bsn: string, family: string, born: string) {
  await page.getByLabel("BSN").fill(bsn);
  await page.getByLabel("Voornamen").fill(GIVEN);
  await page.getByLabel("Tussenvoegsel (niet verplicht)").fill(PREFIX);
  await page.getByLabel("Achternaam").fill(family);
  await page.getByLabel("Geboortedatum").fill(born);
  await page.getByLabel("Woongemeente").selectOption({ label: "Groningen" });
}

/** Nothing the payloads carry became an element, and no script of theirs ran. */
async function nothingRan(page: Page, testInfo: TestInfo) {
  await expect(page.locator('img[src="x"], iframe, svg[onload], b:text-is("vet")')).toHaveCount(0);
  await expect(page.locator("script", { hasText: "__xss" })).toHaveCount(0);
  if (testInfo.project.name === "hydrated") {
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
  }
}

test("script, HTML and SQL typed into every field of a case are shown as text and never run", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  page.on("dialog", () => {
    throw new Error("a payload opened a dialog");
  });
  const bsn = validBsn(seedFor(testInfo) + 33_000_000);
  const family = `<script>window.__xss=1</script>Vos-${testInfo.project.name}-${bsn.slice(0, 5)}`;
  const fullName = `${GIVEN} ${PREFIX} ${family}`;
  const born = toddlerBirthDate();

  // anna registers the youth under a hostile name.
  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/jeugdigen/registreren");
  await settled(page, testInfo);
  await fillHostileYouth(page, bsn, family, born);
  await page.getByRole("button", { name: "Registreren" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
  const youthPath = new URL(page.url()).pathname;
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: fullName, exact: true })).toBeVisible();
  await nothingRan(page, testInfo);
  await expectAccessible(page, testInfo);
  await logOut(page);

  // carla signals the same youth: the match makes GGD coordinate.
  await logIn(page, testInfo, "carla@school.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/signalen/nieuw");
  await settled(page, testInfo);
  await fillHostileYouth(page, bsn, family, born);
  await page.getByRole("radio", { name: "Onderwijs en verzuim" }).check();
  await page.getByRole("button", { name: "Signaal afgeven" }).click();
  await expect(page).toHaveURL(new RegExp(`${youthPath}$`));
  await logOut(page);

  // anna takes the case and sets out an action with a hostile title and description.
  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto(youthPath);
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Coördinatie toewijzen" }).click();
  await expect(page.getByRole("region", { name: "Coördinatie" })).toContainText("Anna de Vries van GGD Groningen");
  const actions = page.getByRole("region", { name: "Acties" });
  await actions.getByText("Nieuwe actie uitzetten").click();
  await actions.getByLabel("Titel").fill(TITLE);
  await actions.getByLabel("Omschrijving").fill(DESCRIPTION);
  await actions.getByLabel("Uiterlijk op").fill(inDays(7));
  await actions.getByLabel("Voor wie").selectOption({ label: "Carla Jansen (Basisschool De Wilgen)" });
  await actions.getByRole("button", { name: "Actie uitzetten" }).click();
  await expect(actions.getByRole("heading", { name: TITLE, exact: true })).toBeVisible();
  await expect(actions.getByRole("paragraph").filter({ hasText: DESCRIPTION })).toHaveText(DESCRIPTION);
  await nothingRan(page, testInfo);

  await page.goto("/jeugdigen");
  await settled(page, testInfo);
  await expect(page.getByRole("link", { name: fullName, exact: true })).toBeVisible();
  await nothingRan(page, testInfo);
  await page.goto("/bord");
  await settled(page, testInfo);
  await expect(page.getByRole("region", { name: fullName, exact: true })).toContainText(TITLE);
  await nothingRan(page, testInfo);
  await logOut(page);

  // carla ticks it done with a hostile note, which she alone sees, as text.
  await logIn(page, testInfo, "carla@school.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/acties");
  await settled(page, testInfo);
  const label = `${fullName}: ${TITLE}`;
  await page.getByLabel(`Wat heb je gedaan? (${label})`, { exact: true }).fill(NOTE);
  await page.getByRole("button", { name: `Gedaan: ${label}`, exact: true }).click();
  const done = page.getByRole("listitem").filter({ hasText: family });
  await expect(done.getByRole("paragraph").filter({ hasText: NOTE })).toHaveCount(1);
  await nothingRan(page, testInfo);
  await expectAccessible(page, testInfo);
});
