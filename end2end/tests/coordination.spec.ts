import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { validBsn, seedFor } from "./bsn";
import { expectAccessible, fillYouth, logIn, logOut, settled, toddlerBirthDate } from "./helpers";

async function as(page: Page, testInfo: TestInfo, email: string) {
  await logIn(page, testInfo, email);
  await expect(page).toHaveURL(/\/$/);
}

async function register(page: Page, testInfo: TestInfo, bsn: string, family: string, birthDate?: string) {
  await page.goto("/jeugdigen/registreren");
  await settled(page, testInfo);
  await fillYouth(page, bsn, family, birthDate);
  await page.getByRole("button", { name: "Registreren" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
  return page.url();
}

async function signal(page: Page, testInfo: TestInfo, bsn: string, family: string, birthDate?: string) {
  await page.goto("/signalen/nieuw");
  await settled(page, testInfo);
  await fillYouth(page, bsn, family, birthDate);
  await page.getByRole("radio", { name: "Onderwijs en verzuim" }).check();
  await page.getByRole("button", { name: "Signaal afgeven" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
}

function coordinationFacts(page: Page) {
  return page.getByRole("region", { name: "Coördinatie" });
}

test("a match of GGD and a school appoints GGD, and carla sees why", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const bsn = validBsn(seedFor(testInfo) + 11_000_000);
  const family = `Coord-${testInfo.project.name}-${bsn.slice(0, 4)}`;
  const born = toddlerBirthDate();

  await as(page, testInfo, "anna@ggd.example");
  const youthUrl = await register(page, testInfo, bsn, family, born);
  await logOut(page);

  await as(page, testInfo, "carla@school.example");
  await signal(page, testInfo, bsn, family, born);
  await expect(page).toHaveURL(youthUrl);
  await settled(page, testInfo);
  const section = coordinationFacts(page);
  await expect(section).toContainText("GGD Groningen (nog niemand van GGD Groningen heeft de casus opgepakt)");
  await expect(section).toContainText(
    "Regel 1 van convenant Groningen v2: leeftijd 0–4 en JGZ betrokken → GGD Groningen",
  );
  await expect(section.getByRole("button", { name: "Coördinatie toewijzen" })).toHaveCount(0);
  await expectAccessible(page, testInfo);
  await logOut(page);

  // Anna, a coordinator of GGD, takes the case; carla then sees her as coordinator.
  await as(page, testInfo, "anna@ggd.example");
  await page.goto(youthUrl);
  await settled(page, testInfo);
  await coordinationFacts(page).getByRole("button", { name: "Coördinatie toewijzen" }).click();
  await expect(coordinationFacts(page)).toContainText("Anna de Vries van GGD Groningen");
  await expect(coordinationFacts(page)).toContainText("Anna de Vries neemt de coördinatie op zich.");
  await expectAccessible(page, testInfo);
});

test("anna hands over to WIJ, bram accepts, and both see the new coordinator", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const bsn = validBsn(seedFor(testInfo) + 12_000_000);
  const family = `Overdracht-${testInfo.project.name}-${bsn.slice(0, 4)}`;
  const born = toddlerBirthDate();

  await as(page, testInfo, "bram@wij.example");
  const youthUrl = await register(page, testInfo, bsn, family, born);
  await logOut(page);
  await as(page, testInfo, "anna@ggd.example");
  await register(page, testInfo, bsn, family, born);
  await expect(page).toHaveURL(youthUrl);
  await settled(page, testInfo);
  await expect(coordinationFacts(page)).toContainText("Regel 1 van convenant Groningen v2");

  await page.getByText("Coördinatie overdragen (warme overdracht)", { exact: true }).click();
  await page.getByLabel("Overdragen aan").selectOption({ label: "WIJ Groningen" });
  await page.getByLabel("Gezin geïnformeerd").check();
  await page.getByLabel("Eerste overleg gepland").check();
  await page.getByLabel("Afspraken en toelichting").fill("Overleg met het gezin op dinsdag.");
  await page.getByRole("button", { name: "Overdracht voorstellen" }).click();
  const handover = page.getByRole("region", { name: "Overdracht voorgesteld aan WIJ Groningen" });
  await expect(handover).toContainText("GGD Groningen blijft verantwoordelijk tot WIJ Groningen de overdracht accepteert.");
  await expect(handover).toContainText("Gezin geïnformeerd: ja");
  await expect(handover).toContainText("Plan gedeeld: nee");
  await expect(coordinationFacts(page).getByRole("definition").first()).toContainText("GGD Groningen");
  await expectAccessible(page, testInfo);
  await logOut(page);

  // Bram finds the handover in his overview and accepts it.
  await as(page, testInfo, "bram@wij.example");
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Coördinatie", exact: true }).click();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Coördinatie" })).toBeVisible();
  const incoming = page.getByRole("table", { name: "Overdrachten die wachten op jouw organisatie" });
  await expect(incoming.getByRole("row", { name: new RegExp(family) })).toContainText(
    "GGD Groningen stelt overdracht aan jouw organisatie voor",
  );
  await expectAccessible(page, testInfo);
  await incoming.getByRole("link", { name: `Sanne ${family}` }).click();
  await expect(page).toHaveURL(youthUrl);
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Overdracht accepteren" }).click();
  await expect(coordinationFacts(page)).toContainText("Bram Bakker van WIJ Groningen");
  await expect(page.getByRole("region", { name: /Overdracht voorgesteld/ })).toHaveCount(0);
  await expect(coordinationFacts(page)).toContainText("Bram Bakker (WIJ Groningen) accepteert de overdracht");
  await expectAccessible(page, testInfo);
  await logOut(page);

  await as(page, testInfo, "anna@ggd.example");
  await page.goto(youthUrl);
  await settled(page, testInfo);
  await expect(coordinationFacts(page)).toContainText("Bram Bakker van WIJ Groningen");
  await expect(coordinationFacts(page)).toContainText("Warme overdracht van GGD Groningen, geaccepteerd door Bram Bakker.");
});

test("rita adds a rule to the covenant and sees in the dry run which case would change", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const bsn = validBsn(seedFor(testInfo) + 13_000_000);
  const family = `Proef-${testInfo.project.name}-${bsn.slice(0, 4)}`;
  // Eleven years old with GGD and Accare: no demo rule applies, the fallback appoints GGD.
  await as(page, testInfo, "anna@ggd.example");
  await register(page, testInfo, bsn, family);
  await logOut(page);
  await as(page, testInfo, "eva@accare.example");
  await register(page, testInfo, bsn, family);
  await settled(page, testInfo);
  await expect(coordinationFacts(page)).toContainText("Terugvalregel van convenant Groningen v2");
  await logOut(page);

  await as(page, testInfo, "rita@regio.example");
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Convenant" }).click();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Convenant en beslisregels" })).toBeVisible();
  await expectAccessible(page, testInfo);
  // The other project may save a version at the same moment: then the page
  // says so, and rita loads it again and adds her rule once more.
  const ours = page.getByRole("listitem").filter({ hasText: "Als jeugd-GGZ betrokken, dan jeugd-GGZ." });
  await expect(async () => {
    await page.goto("/regio/convenant");
    await settled(page, testInfo);
    const before = await ours.count();
    const add = page.locator("details").filter({ has: page.getByText("Regel toevoegen", { exact: true }) });
    await add.getByText("Regel toevoegen", { exact: true }).first().click();
    await add.getByLabel("Jeugd-GGZ").check();
    await add.getByLabel("Dan coördineert").selectOption("soort:ggz");
    await add.getByRole("button", { name: "Regel toevoegen" }).click();
    await expect(ours).toHaveCount(before + 1, { timeout: 5_000 });
  }).toPass({ timeout: 60_000 });
  await expect(page.getByRole("heading", { level: 2, name: /^Proefrun: wat verandert er met versie \d+\?$/ })).toBeVisible();
  await expect(page.getByRole("listitem").filter({ hasText: "Als jeugd-GGZ betrokken, dan jeugd-GGZ." }).first()).toBeVisible();
  const changes = page.getByRole("table", { name: "Casussen die een andere coördinerende organisatie krijgen" });
  const row = changes.getByRole("row", { name: new RegExp(family) });
  await expect(row).toContainText("GGD Groningen");
  await expect(row).toContainText("Accare");
  await expect(row).toContainText("jeugd-GGZ betrokken → Accare");
  await expect(page.getByRole("button", { name: /^Versie \d+ activeren$/ })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("anna escalates a case to the region and rita records the decision", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const bsn = validBsn(seedFor(testInfo) + 14_000_000);
  const family = `Opschaling-${testInfo.project.name}-${bsn.slice(0, 4)}`;
  const born = toddlerBirthDate();
  await as(page, testInfo, "carla@school.example");
  const youthUrl = await (async () => {
    await signal(page, testInfo, bsn, family, born);
    return page.url();
  })();
  await logOut(page);
  await as(page, testInfo, "anna@ggd.example");
  await register(page, testInfo, bsn, family, born);
  await settled(page, testInfo);
  await page.getByText("Opschalen naar de regio", { exact: true }).click();
  await page.getByRole("button", { name: "Opschalen", exact: true }).click();
  await expect(page.getByText("Schrijf op waarom je opschaalt")).toBeVisible();
  await page.getByLabel("Reden van opschalen").fill("Afspraken over de aanpak lopen vast.");
  await page.getByRole("button", { name: "Opschalen", exact: true }).click();
  await expect(coordinationFacts(page)).toContainText("Opgeschaald naar de regio");
  await expectAccessible(page, testInfo);
  await logOut(page);

  await as(page, testInfo, "rita@regio.example");
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Opschalingen" }).click();
  await settled(page, testInfo);
  const card = page.getByRole("region", { name: `Opschaling Sanne ${family}` });
  await expect(card).toContainText("Afspraken over de aanpak lopen vast.");
  await expectAccessible(page, testInfo);
  await card.getByLabel("Besluit").fill("De regio spreekt GGD en school samen aan.");
  await card.getByRole("button", { name: "Besluit vastleggen en sluiten" }).click();
  await expect(page.getByRole("region", { name: `Opschaling Sanne ${family}` })).toHaveCount(0);
  await logOut(page);

  await as(page, testInfo, "carla@school.example");
  await page.goto(youthUrl);
  await settled(page, testInfo);
  await expect(coordinationFacts(page)).toContainText("De regio (Rita Hoekstra) besluit: De regio spreekt GGD en school samen aan.");
});

test("bram rejects a handover with a reason, and anna withdraws her next proposal", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const bsn = validBsn(seedFor(testInfo) + 16_000_000);
  const family = `Afwijzing-${testInfo.project.name}-${bsn.slice(0, 4)}`;
  const born = toddlerBirthDate();
  await as(page, testInfo, "bram@wij.example");
  const youthUrl = await register(page, testInfo, bsn, family, born);
  await logOut(page);
  await as(page, testInfo, "anna@ggd.example");
  await register(page, testInfo, bsn, family, born);
  await settled(page, testInfo);
  const propose = async () => {
    await page.getByText("Coördinatie overdragen (warme overdracht)", { exact: true }).click();
    await page.getByLabel("Overdragen aan").selectOption({ label: "WIJ Groningen" });
    await page.getByRole("button", { name: "Overdracht voorstellen" }).click();
    await expect(page.getByRole("region", { name: "Overdracht voorgesteld aan WIJ Groningen" })).toBeVisible();
  };
  await propose();
  await logOut(page);

  await as(page, testInfo, "bram@wij.example");
  await page.goto(youthUrl);
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Overdracht afwijzen" }).click();
  await expect(page.getByText("Schrijf op waarom (1 tot 1000 tekens).")).toBeVisible();
  await expectAccessible(page, testInfo);
  await page.getByLabel("Reden van afwijzen").fill("Wij hebben nu geen plek.");
  await page.getByRole("button", { name: "Overdracht afwijzen" }).click();
  await expect(page.getByRole("region", { name: /Overdracht voorgesteld/ })).toHaveCount(0);
  await expect(coordinationFacts(page)).toContainText("Bram Bakker (WIJ Groningen) wijst de overdracht af. Reden: Wij hebben nu geen plek.");
  await expect(coordinationFacts(page)).toContainText("GGD Groningen (nog niemand van GGD Groningen heeft de casus opgepakt)");
  await logOut(page);

  await as(page, testInfo, "anna@ggd.example");
  await page.goto(youthUrl);
  await settled(page, testInfo);
  await propose();
  await page.getByRole("button", { name: "Voorstel intrekken" }).click();
  await expect(page.getByRole("region", { name: /Overdracht voorgesteld/ })).toHaveCount(0);
  await expect(coordinationFacts(page)).toContainText("Anna de Vries trekt het voorstel tot overdracht aan WIJ Groningen in.");
  await expectAccessible(page, testInfo);
});
