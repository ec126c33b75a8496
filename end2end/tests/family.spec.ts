import { expect, test } from "@playwright/test";
import { validBsn, seedFor } from "./bsn";
import { expectAccessible, fillYouth, logIn, settled } from "./helpers";

test("anna links two youths into one family and keeps one plan and consent for it", async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const seed = seedFor(testInfo) + 15_000_000;
  const [first, second] = [validBsn(seed), validBsn(seed + 500)];
  const family = `Gezin-${testInfo.project.name}-${first.slice(0, 4)}`;

  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  const urls: string[] = [];
  for (const bsn of [first, second]) {
    await page.goto("/jeugdigen/registreren");
    await settled(page, testInfo);
    await fillYouth(page, bsn, family);
    await page.getByRole("button", { name: "Registreren" }).click();
    await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
    urls.push(page.url());
  }
  await page.goto(urls[0]);
  await settled(page, testInfo);
  const section = page.getByRole("region", { name: "Gezin, plan en toestemming" });
  await section.getByLabel("Jeugdige uit hetzelfde gezin").selectOption({ label: `Sanne ${family}` });
  await section.getByRole("button", { name: "Aan gezin koppelen" }).click();
  await expect(section.getByRole("heading", { name: "Plan van het gezin" })).toBeVisible();
  await expect(section.getByRole("link", { name: `Sanne ${family}` })).toHaveAttribute("href", urls[1].replace(/^https?:\/\/[^/]+/, ""));

  await section.getByLabel("Doelen").fill("Rust en regelmaat in huis.");
  await section.getByLabel("Samen met het gezin opgesteld; het gezin stemt in").check();
  await section.getByRole("button", { name: "Plan opslaan" }).click();
  await expect(section).toContainText("Samen met het gezin opgesteld; het gezin stemde in op");
  await expect(section).toContainText("Laatst bijgewerkt door Anna de Vries");

  await section.getByText("Afspraak toevoegen", { exact: true }).first().click();
  await section.getByLabel("Wie", { exact: true }).fill("Anna (GGD)");
  await section.getByLabel("Wat", { exact: true }).fill("Huisbezoek met het gezin");
  await section.getByLabel("Uiterlijk (datum)").fill("2030-01-15");
  await section.getByRole("button", { name: "Afspraak toevoegen" }).click();
  await expect(section.getByRole("listitem").filter({ hasText: "Anna (GGD): Huisbezoek met het gezin, uiterlijk 15 januari 2030" })).toBeVisible();

  await section.getByText("Toestemming vastleggen", { exact: true }).click();
  await section.getByLabel("Gezin niet geïnformeerd, omdat dat onveilig zou zijn (Meldcode)").check();
  await section.getByRole("button", { name: "Vastleggen" }).click();
  await expect(section.getByText("Leg uit waarom het gezin niet is geïnformeerd")).toBeVisible();
  await section.getByLabel("Onderbouwing (verplicht als het gezin niet is geïnformeerd)").fill("Vermoeden van huiselijk geweld.");
  if (testInfo.project.name === "no-js") {
    // The page came back from the server: choose again what is recorded.
    await section.getByLabel("Gezin niet geïnformeerd, omdat dat onveilig zou zijn (Meldcode)").check();
  }
  await section.getByRole("button", { name: "Vastleggen" }).click();
  await expect(section).toContainText("Het gezin is niet geïnformeerd, omdat dat onveilig zou zijn");
  await expect(section).toContainText("Onderbouwing: Vermoeden van huiselijk geweld.");
  await expect(section.getByText("Leg uit waarom het gezin niet is geïnformeerd")).toHaveCount(0);
  await expectAccessible(page, testInfo);

  // The other youth's page shows the same family plan.
  await section.getByRole("link", { name: `Sanne ${family}` }).click();
  await settled(page, testInfo);
  await expect(page.getByRole("region", { name: "Gezin, plan en toestemming" }).getByLabel("Doelen")).toHaveValue(
    "Rust en regelmaat in huis.",
  );
});
