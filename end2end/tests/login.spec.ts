import { expect, test } from "@playwright/test";
import { expectAccessible, logIn, settled } from "./helpers";

// Every demo account: who they are, and what their menu offers.
const demoUsers = [
  { email: "anna@ggd.example", first: "Anna", org: "GGD Groningen", menu: ["Start", "Mijn jeugdigen", "Mijn acties", "Signaal afgeven", "Coördinatiebord", "Coördinatie"], sections: ["Mijn jeugdigen", "Mijn coördinaties"] },
  { email: "bram@wij.example", first: "Bram", org: "WIJ Groningen", menu: ["Start", "Mijn jeugdigen", "Mijn acties", "Signaal afgeven", "Coördinatiebord", "Coördinatie"], sections: ["Mijn jeugdigen", "Mijn coördinaties"] },
  { email: "carla@school.example", first: "Carla", org: "Basisschool De Wilgen", menu: ["Start", "Mijn jeugdigen", "Mijn acties", "Signaal afgeven"], sections: ["Mijn jeugdigen"] },
  { email: "dirk@politie.example", first: "Dirk", org: "Politie Noord-Nederland", menu: ["Start", "Mijn jeugdigen", "Mijn acties", "Signaal afgeven"], sections: ["Mijn jeugdigen"] },
  { email: "eva@accare.example", first: "Eva", org: "Accare", menu: ["Start", "Mijn jeugdigen", "Mijn acties", "Signaal afgeven"], sections: ["Mijn jeugdigen"] },
  { email: "rita@regio.example", first: "Rita", org: "Regiobureau Jeugd Groningen", menu: ["Start", "Regio", "API-sleutels", "Logboek", "E-mail", "Convenant", "Opschalingen", "Gegevenskwaliteit", "Rapportage per e-mail", "Rapportage"], sections: ["Regiobeheer", "Rapportage"] },
  { email: "gert@gemeente.example", first: "Gert", org: "Gemeente Groningen", menu: ["Start", "Rapportage"], sections: ["Rapportage"] },
];

for (const user of demoUsers) {
  test(`${user.first} logs in and out`, async ({ page }, testInfo) => {
    await logIn(page, testInfo, user.email);
    await expect(page).toHaveURL(/\/$/);
    await settled(page, testInfo);
    await expect(page.getByRole("heading", { level: 1, name: `Welkom, ${user.first}` })).toBeVisible();
    await expect(page.getByRole("banner")).toContainText(user.org);
    await expect(page).toHaveTitle("Start – Zorgsignaal");

    const menu = page.getByRole("navigation", { name: "Hoofdmenu" });
    await expect(menu.getByRole("link")).toHaveText(user.menu);
    for (const section of user.sections) {
      await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
    }
    await expectAccessible(page, testInfo);

    await page.getByRole("button", { name: "Uitloggen" }).click();
    await expect(page).toHaveURL(/\/inloggen$/);
    await expect(page.getByRole("heading", { level: 1, name: "Inloggen" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Uitloggen" })).toHaveCount(0);

    // The session is over on the server: the start page sends us back.
    await page.goto("/");
    await expect(page).toHaveURL(/\/inloggen$/);
  });
}

test("a wrong password shows the Dutch message and keeps the e-mail", async ({ page }, testInfo) => {
  await logIn(page, testInfo, "anna@ggd.example", "niet-het-wachtwoord");
  await expect(page.getByRole("alert")).toHaveText("Het e-mailadres of het wachtwoord is onjuist.");
  await expect(page.getByLabel("E-mailadres")).toHaveValue("anna@ggd.example");
  await expect(page.getByLabel("Wachtwoord")).toHaveValue("");
  await expect(page).toHaveTitle("Inloggen – Zorgsignaal");
  await expectAccessible(page, testInfo);
});

test("an empty form gets a Dutch message next to each field", async ({ page }, testInfo) => {
  await page.goto("/inloggen");
  await settled(page, testInfo);
  await page.getByRole("button", { name: "Inloggen" }).click();
  const email = page.getByLabel("E-mailadres");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription("Vul je e-mailadres in.");
  await expect(page.getByLabel("Wachtwoord")).toHaveAccessibleDescription("Vul je wachtwoord in.");
  await expectAccessible(page, testInfo);
});

test("a region admin sees the organisations of the region", async ({ page }, testInfo) => {
  await logIn(page, testInfo, "rita@regio.example");
  await expect(page).toHaveURL(/\/$/);
  await settled(page, testInfo);
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Regio" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Regio" })).toBeVisible();
  const table = page.getByRole("table", { name: "Organisaties in de regio en wat ze mogen" });
  const school = table.getByRole("row", { name: /Basisschool De Wilgen/ });
  await expect(school.getByRole("cell")).toHaveText(["School", "nee", "ja", "nee", "1"]);
  await expect(page.getByRole("listitem").filter({ hasText: "Eemsdelta (GM1979)" })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("an analyst reads the figures of their own municipality only", async ({ page }, testInfo) => {
  await logIn(page, testInfo, "gert@gemeente.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/rapportage");
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Rapportage" })).toBeVisible();
  // Only Groningen to choose from, and its figures.
  await expect(page.getByRole("combobox", { name: "Gebied" }).getByRole("option")).toHaveText(["Groningen"]);
  await expect(page.getByRole("heading", { level: 2, name: /^Groningen — / })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("a professional is refused the region page", async ({ page }, testInfo) => {
  await logIn(page, testInfo, "carla@school.example");
  await expect(page).toHaveURL(/\/$/);
  const res = await page.goto("/regio");
  expect(res?.status()).toBe(403);
  await expect(page.getByRole("heading", { level: 1, name: "Geen toegang" })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("an unknown page says so in Dutch", async ({ page }, testInfo) => {
  const res = await page.goto("/bestaat-niet");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1, name: "Niet gevonden" })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test("a lazily loaded page keeps its title while its code loads, and on the way to the next", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === "no-js", "without JavaScript the title is the server's and never changes");
  // Every title the document has from the moment it has one.
  await page.addInitScript(() => {
    const w = window as unknown as { titles: string[] };
    w.titles = [];
    new MutationObserver(() => {
      if (document.querySelector("title")) w.titles.push(document.title);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  await logIn(page, testInfo, "rita@regio.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/regio");
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Regio" })).toBeVisible();
  await expect(page).toHaveTitle("Regio – Zorgsignaal");
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Opschalingen" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Opschalingen" })).toBeVisible();
  await expect(page).toHaveTitle("Opschalingen – Zorgsignaal");
  const titles = await page.evaluate(() => (window as unknown as { titles: string[] }).titles);
  expect(titles.length).toBeGreaterThan(0);
  expect(titles.filter((t) => t.trim() === ""), `titles seen: ${JSON.stringify(titles)}`).toEqual([]);
  await expectAccessible(page, testInfo);
});
