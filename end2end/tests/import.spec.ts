import { expect, test } from "@playwright/test";
import { expectAccessible, logIn, settled } from "./helpers";
import { validBsn, seedFor } from "./bsn";

test("anna imports a CSV file: good rows are recorded and bad rows are reported by line", async ({ page }, testInfo) => {
  const seed = seedFor(testInfo) + 5_000_000;
  const good = validBsn(seed);
  const ref = `E2E-${testInfo.project.name}-${seed}`;
  const csv = [
    "bsn;given_names;prefix;family_name;birth_date;municipality_code;professional_email;external_ref",
    `${good};Mila;;Import-${testInfo.project.name};2016-04-05;GM0014;anna@ggd.example;${ref}-1`,
    `123456789;Noor;;Fout;2016-04-05;GM0014;anna@ggd.example;${ref}-2`,
  ].join("\n");

  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/jeugdigen/importeren");
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Registraties importeren" })).toBeVisible();
  await expectAccessible(page, testInfo);

  await page.getByLabel("Bestand").setInputFiles({ name: "registraties.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await page.getByRole("button", { name: "Importeren" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/importeren\?verslag=/);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 2, name: "Verslag van registraties.csv" })).toBeVisible();
  await expect(page.getByRole("status")).toHaveText("2 regels gelezen: 1 nieuw vastgelegd, 0 al eerder vastgelegd, 1 met fouten.");
  const errors = page.getByRole("table", { name: "Regels die niet zijn vastgelegd" });
  await expect(errors.getByRole("row")).toHaveCount(2);
  await expect(errors.getByRole("row").nth(1)).toContainText("3");
  await expect(errors.getByRole("row").nth(1)).toContainText("bsn");
  await expect(errors.getByRole("row").nth(1)).toContainText("elfproef");
  // The report is shown once: it is not in the address, and reloading does not show it again.
  expect(page.url()).not.toContain(good);
  await expectAccessible(page, testInfo);
  await page.reload();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Registraties importeren" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Verslag van registraties.csv" })).toHaveCount(0);

  // The imported youth is now one of anna's.
  await page.goto("/jeugdigen?sorteer=naam&richting=op");
  await settled(page, testInfo);
  await expect(page.getByRole("link", { name: `Mila Import-${testInfo.project.name}` })).toBeVisible();
});
