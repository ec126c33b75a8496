import { expect, test } from "@playwright/test";
import { validBsn, seedFor } from "./bsn";
import { expectAccessible, fillYouth, logIn, logOut, settled } from "./helpers";

test("anna registers a youth, carla signals, both see each other and bram gets not found", async ({ page }, testInfo) => {
  // Four log-ins and four axe checks (each in its own JavaScript context when
  // the page runs without it): longer than the default 30 s on two cores.
  test.setTimeout(90_000);
  const bsn = validBsn(seedFor(testInfo));
  const family = `Vermeer-${testInfo.project.name}`;

  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/jeugdigen/registreren");
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Jeugdige registreren" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await fillYouth(page, bsn, family);
  await page.getByRole("button", { name: "Registreren" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
  const youthUrl = page.url();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: `Sanne ${family}` })).toBeVisible();
  await expect(page.getByRole("heading", { level: 3, name: "Ketenregistratie" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await logOut(page);

  await logIn(page, testInfo, "carla@school.example");
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Signaal afgeven" }).click();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Signaal afgeven" })).toBeVisible();
  await fillYouth(page, bsn, family);
  await page.getByRole("radio", { name: "Onderwijs en verzuim" }).check();
  await page.getByRole("button", { name: "Signaal afgeven" }).click();
  await expect(page).toHaveURL(youthUrl);
  await settled(page, testInfo);
  const involved = page.getByRole("table", { name: /Wie er bij deze jeugdige betrokken is/ });
  await expect(involved.getByRole("row", { name: /GGD Groningen/ })).toContainText("anna@ggd.example");
  await expect(involved.getByRole("row", { name: /GGD Groningen/ })).toContainText("050 367 4000");
  await expect(involved.getByRole("row", { name: /Basisschool De Wilgen/ })).toContainText("Carla Jansen");
  await expect(page.getByRole("heading", { level: 3, name: "Signaal: Onderwijs en verzuim" })).toBeVisible();
  await expectAccessible(page, testInfo);
  await logOut(page);

  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto(youthUrl);
  await settled(page, testInfo);
  await expect(involved.getByRole("row", { name: /Basisschool De Wilgen/ })).toContainText("carla@school.example");
  await expect(page.getByText("Onderwijs en verzuim")).toHaveCount(0);
  await expect(page.getByText("ja: twee of meer organisaties zijn betrokken")).toBeVisible();

  await page.goto("/jeugdigen");
  await settled(page, testInfo);
  await expect(page.getByRole("link", { name: `Sanne ${family}` })).toBeVisible();
  await expectAccessible(page, testInfo);
  await logOut(page);

  await logIn(page, testInfo, "bram@wij.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto(youthUrl);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Niet gevonden" })).toBeVisible();
  await expect(page.getByText(family)).toHaveCount(0);
  await expectAccessible(page, testInfo);
});

test("the forms give Dutch field errors for a BSN failing the 11-check and a youth of 23", async ({ page }, testInfo) => {
  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/jeugdigen/registreren");
  await settled(page, testInfo);
  const today = new Date();
  const turned23 = `${today.getFullYear() - 23}-${String(today.getMonth() + 1).padStart(2, "0")}-${String(today.getDate()).padStart(2, "0")}`;
  await fillYouth(page, "123456789", "Elfproef", turned23);
  await page.getByRole("button", { name: "Registreren" }).click();

  await expect(page.getByText("Dit is geen geldig BSN: het voldoet niet aan de elfproef. Controleer het nummer.")).toBeVisible();
  await expect(page.getByText(/Deze jeugdige is 23 jaar of ouder/)).toBeVisible();
  await expect(page.getByLabel("BSN")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Geboortedatum")).toHaveAttribute("aria-invalid", "true");
  // What was typed is still there (without JavaScript: from a one-time server-side draft, never the URL).
  await expect(page.getByLabel("BSN")).toHaveValue("123456789");
  await expect(page.getByLabel("Achternaam")).toHaveValue("Elfproef");
  expect(page.url()).not.toContain("123456789");
  await expectAccessible(page, testInfo);

  // The signal form checks the same way.
  await page.goto("/signalen/nieuw");
  await settled(page, testInfo);
  await fillYouth(page, "123456789", "Elfproef");
  await page.getByRole("button", { name: "Signaal afgeven" }).click();
  await expect(page.getByText("Dit is geen geldig BSN: het voldoet niet aan de elfproef. Controleer het nummer.")).toBeVisible();
  await expect(page.getByText("Kies waar het signaal over gaat.")).toBeVisible();
  await expectAccessible(page, testInfo);
});
