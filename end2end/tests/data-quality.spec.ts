import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { validBsn, seedFor } from "./bsn";
import { expectAccessible, fillYouth, logIn, logOut, settled } from "./helpers";

// No BSN oracle (issue 19): a BSN typed with another name and date of
// birth is recorded, not refused; whoever typed it sees their own
// version; the region admin sees both and decides.

async function as(page: Page, testInfo: TestInfo, email: string) {
  await logIn(page, testInfo, email);
  await expect(page).toHaveURL(/\/$/);
}

test("carla types a known BSN with other data, sees her own version, and rita finds the BSN mistyped", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const bsn = validBsn(seedFor(testInfo) + 23_000_000);
  const family = `Kwaliteit-${testInfo.project.name}-${bsn.slice(0, 4)}`;
  const other = `Anders-${testInfo.project.name}-${bsn.slice(0, 4)}`;

  await as(page, testInfo, "anna@ggd.example");
  await page.goto("/jeugdigen/registreren");
  await settled(page, testInfo);
  await fillYouth(page, bsn, family, "2015-06-01");
  await page.getByRole("button", { name: "Registreren" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
  await logOut(page);

  // Carla types the same BSN with another family name and date of birth:
  // no warning, no question; she lands on the youth as she typed it.
  await as(page, testInfo, "carla@school.example");
  await page.goto("/signalen/nieuw");
  await settled(page, testInfo);
  await fillYouth(page, bsn, other, "2016-02-03");
  await page.getByRole("radio", { name: "Onderwijs en verzuim" }).check();
  await page.getByRole("button", { name: "Signaal afgeven" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("heading", { level: 1, name: `Sanne ${other}` })).toBeVisible();
  await expect(page.getByText(family)).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await logOut(page);

  await as(page, testInfo, "rita@regio.example");
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Gegevenskwaliteit" }).click();
  await expect(page).toHaveURL(/\/regio\/gegevenskwaliteit$/);
  await settled(page, testInfo);
  const card = page.getByRole("region", { name: new RegExp(`^Afwijking bij BSN \\*{6}${bsn.slice(6)} `) }).filter({ hasText: other });
  await expect(card).toContainText(`Sanne ${family}`);
  await expect(card).toContainText(`Sanne ${other}`);
  await expectAccessible(page, testInfo);

  // Without a choice: a message beside the choice, nothing lost.
  await card.getByRole("button", { name: "Besluit vastleggen" }).click();
  await expect(card.getByText("Kies wat er aan de hand is.")).toBeVisible();
  await card.getByRole("radio", { name: /verkeerd BSN getypt/ }).check();
  await card.getByRole("button", { name: "Besluit vastleggen" }).click();
  await expect(page.getByRole("region", { name: new RegExp(`^Afwijking bij BSN \\*{6}${bsn.slice(6)} `) }).filter({ hasText: other })).toHaveCount(0);
  await logOut(page);
});
