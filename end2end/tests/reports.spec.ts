import { expect, test, type Page, type TestInfo } from "@playwright/test";
import { readFile } from "node:fs/promises";
import { expectAccessible, logIn, settled } from "./helpers";

/** The number in the first column of a row of the key figures table. */
async function keyFigure(page: Page, label: string): Promise<string> {
  const row = page.getByRole("table", { name: "Kerncijfers" }).getByRole("row").filter({
    has: page.getByRole("rowheader", { name: label, exact: true }),
  });
  return (await row.getByRole("cell").first().innerText()).trim();
}

/** Chooses a period; without JavaScript the form is sent with its button. */
async function choosePeriod(page: Page, testInfo: TestInfo, label: string) {
  await page.getByRole("combobox", { name: "Periode" }).selectOption({ label });
  if (testInfo.project.name === "no-js") {
    await page.getByRole("button", { name: "Toon cijfers" }).click();
  }
}

test("gert opens Groningen's report, changes the period and downloads the same numbers", async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await logIn(page, testInfo, "gert@gemeente.example");
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Rapportage" }).click();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Rapportage" })).toBeVisible();
  // The previous month, for gert's municipality.
  const month = page.getByRole("combobox", { name: "Periode" }).locator("option:checked");
  const monthLabel = (await month.innerText()).trim();
  await expect(page.getByRole("heading", { level: 2, name: `Groningen — ${monthLabel}` })).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Gebied" })).toHaveValue("GM0014");
  // The charts are images with a title, each beside its data table.
  await expect(page.getByRole("img", { name: new RegExp(`^Nieuwe signalen naar soort, ${monthLabel}`) })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Nieuwe signalen en ketenregistraties per maand, Groningen/ })).toBeVisible();
  await expect(page.getByRole("img", { name: /^Nieuwe signalen per maand naar leeftijd, Groningen/ })).toBeVisible();
  await expect(page.getByRole("table", { name: "Nieuwe signalen per maand en leeftijd" })).toBeVisible();
  const monthSignals = await keyFigure(page, "Nieuwe signalen");
  expect(monthSignals).toMatch(/^(<5|[0-9.]+)$/);
  await expectAccessible(page, testInfo);

  // A whole year: other figures, another chart.
  const year = String(new Date().getFullYear() - 1);
  await choosePeriod(page, testInfo, year);
  await expect(page).toHaveURL(new RegExp(`periode=jaar(:|%3A)${year}`));
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 2, name: `Groningen — ${year}` })).toBeVisible();
  await expect(page.getByRole("img", { name: new RegExp(`^Nieuwe signalen naar soort, ${year}`) })).toBeVisible();
  const yearSignals = await keyFigure(page, "Nieuwe signalen");
  // Published rounded down to fives.
  expect(yearSignals).toMatch(/^[0-9.]*[05]$/);
  expect(yearSignals).not.toBe(monthSignals);
  await expect(page.getByRole("table", { name: "Kerncijfers" }).getByRole("columnheader", { name: year, exact: true })).toBeVisible();
  await expectAccessible(page, testInfo);

  // The CSV has the same number, in Dutch CSV for Excel.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download alle tabellen als CSV (Excel)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe(`rapportage-GM0014-${year}.csv`);
  const csv = await readFile((await file.path())!, "utf8");
  expect(csv.charCodeAt(0)).toBe(0xfeff);
  expect(csv).toContain(`Groningen;Kerncijfers;Nieuwe signalen;${year};${yearSignals};`);
  expect(csv).toContain("\r\n");

  // A period that cannot be read gets a message beside the field.
  await page.goto("/rapportage?gebied=GM0014&periode=eigen&van=2025-09&tot=2025-01");
  await settled(page, testInfo);
  await expect(page.getByText("Kies een periode uit de lijst")).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Periode" })).toHaveAttribute("aria-invalid", "true");
  await expectAccessible(page, testInfo);
  // A chosen range is whole quarters: February to December is refused, so
  // no two reports single out January; April to December is a report.
  await page.goto("/rapportage?gebied=GM0014&periode=eigen&van=2025-02&tot=2025-12");
  await settled(page, testInfo);
  await expect(page.getByText(/hele kwartalen: een beginmaand januari, april, juli of oktober/)).toBeVisible();
  await page.goto("/rapportage?gebied=GM0014&periode=eigen&van=2025-04&tot=2025-12");
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 2, name: "Groningen — 1 april 2025 t/m 31 december 2025" })).toBeVisible();
  await expect(page.getByText(/afgerond op vijftallen/).first()).toBeVisible();
  expect(await keyFigure(page, "Nieuwe signalen")).toMatch(/^(<5|[0-9.]*[05])$/);
  await expectAccessible(page, testInfo);
  // Another municipality is not gert's to see.
  await page.goto("/rapportage?gebied=GM0037");
  await expect(page.getByText("Niet gevonden.")).toBeVisible();
});

test("rita sees the region with each municipality, and keeps the report's recipients", async ({ page }, testInfo) => {
  test.setTimeout(60_000);
  await logIn(page, testInfo, "rita@regio.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/rapportage");
  await settled(page, testInfo);
  await page.getByRole("combobox", { name: "Gebied" }).selectOption({ label: "Regio Groningen (alle gemeenten)" });
  if (testInfo.project.name === "no-js") {
    await page.getByRole("button", { name: "Toon cijfers" }).click();
  }
  await expect(page).toHaveURL(/gebied=regio/);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 2, name: /^Regio Groningen — / })).toBeVisible();
  const perMunicipality = page.getByRole("table", { name: /^Per gemeente, / });
  await expect(perMunicipality.getByRole("rowheader", { name: "Stadskanaal" })).toBeVisible();
  await expect(perMunicipality.getByRole("rowheader", { name: "Groningen", exact: true })).toBeVisible();
  await expect(perMunicipality.getByRole("rowheader", { name: "Totaal" })).toBeVisible();
  await expectAccessible(page, testInfo);

  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "Rapportage per e-mail" }).click();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Rapportage per e-mail" })).toBeVisible();
  const veendam = page.getByRole("region", { name: "Veendam" });
  const email = `${testInfo.project.name}.${Date.now()}@veendam.example`;
  const name = `Vera ${testInfo.project.name}`;
  await veendam.getByLabel("E-mailadres nieuwe ontvanger (Veendam)").fill("geen adres");
  await veendam.getByLabel("Naam nieuwe ontvanger (Veendam)").fill(name);
  await veendam.getByRole("button", { name: "Ontvanger toevoegen" }).click();
  await expect(page.getByText("Vul een geldig e-mailadres in")).toBeVisible();
  await page.getByRole("region", { name: "Veendam" }).getByLabel("Naam nieuwe ontvanger (Veendam)").fill(name);
  await page.getByRole("region", { name: "Veendam" }).getByLabel("E-mailadres nieuwe ontvanger (Veendam)").fill(email);
  await page.getByRole("region", { name: "Veendam" }).getByRole("button", { name: "Ontvanger toevoegen" }).click();
  await expect(page.getByRole("region", { name: "Veendam" }).getByText(email)).toBeVisible();
  await expectAccessible(page, testInfo);
  await page.getByRole("region", { name: "Veendam" }).getByRole("button", { name: `${name} verwijderen` }).click();
  await expect(page.getByText(email)).toHaveCount(0);
});
