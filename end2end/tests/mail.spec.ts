import { expect, test } from "@playwright/test";
import { validBsn, seedFor } from "./bsn";
import { expectAccessible, fillYouth, logIn, logOut, settled } from "./helpers";

test("after carla signals on a youth anna registered, both get a match notice and rita sees them sent", async ({ page }, testInfo) => {
  test.setTimeout(90_000);
  const bsn = validBsn(seedFor(testInfo) + 9_000_000);
  const family = `Mail-${testInfo.project.name}-${bsn.slice(0, 4)}`;

  await logIn(page, testInfo, "anna@ggd.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/jeugdigen/registreren");
  await settled(page, testInfo);
  await fillYouth(page, bsn, family);
  await page.getByRole("button", { name: "Registreren" }).click();
  await expect(page).toHaveURL(/\/jeugdigen\/[0-9a-f-]{36}$/);
  const youthUrl = page.url();
  await logOut(page);

  await logIn(page, testInfo, "carla@school.example");
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/signalen/nieuw");
  await settled(page, testInfo);
  await fillYouth(page, bsn, family);
  await page.getByRole("radio", { name: "Veiligheid" }).check();
  await page.getByRole("button", { name: "Signaal afgeven" }).click();
  await expect(page).toHaveURL(youthUrl);
  await logOut(page);

  // The built-in mail catcher received both notices over SMTP.
  await page.goto("/dev/mail");
  await expect(page.getByRole("heading", { level: 1, name: "Mailvanger" })).toBeVisible();
  // Anna also gets a coordination mail (GGD coordinates); these are the match notices.
  const notices = page
    .getByRole("article")
    .filter({ hasText: `Sanne ${family}` })
    .filter({ hasText: "ook andere professionals zijn betrokken" });
  await expect(async () => {
    await page.reload();
    await expect(notices).toHaveCount(2, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  const toAnna = notices.filter({ hasText: "anna@ggd.example" }).filter({ hasText: "Carla Jansen van Basisschool De Wilgen" });
  await expect(toAnna).toHaveCount(1);
  await expect(toAnna).toContainText("Beste Anna de Vries");
  await expect(toAnna).toContainText("carla@school.example");
  await expect(toAnna).toContainText("050 525 1234");
  const toCarla = notices.filter({ hasText: "Beste Carla Jansen" });
  await expect(toCarla).toContainText("Anna de Vries van GGD Groningen");
  await expect(toCarla).toContainText("050 367 4000");
  for (const notice of [toAnna, toCarla]) {
    await expect(notice.getByRole("heading", { level: 2 })).toHaveText(
      "Zorgsignaal: ook andere professionals zijn betrokken bij een jeugdige",
    );
    await expect(notice).toContainText(youthUrl.replace(/^https?:\/\/[^/]+/, ""));
    await expect(notice).not.toContainText(bsn);
    await expect(notice).not.toContainText("Veiligheid");
    await expect(notice).not.toContainText(/2015-06-01|01-06-2015|1 juni 2015/);
  }
  await expectAccessible(page, testInfo);

  // The region admin sees the mails as sent: recipient and subject, no body.
  await logIn(page, testInfo, "rita@regio.example");
  await expect(page).toHaveURL(/\/$/);
  await page.getByRole("navigation", { name: "Hoofdmenu" }).getByRole("link", { name: "E-mail", exact: true }).click();
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 1, name: "Uitgaande e-mail" })).toBeVisible();
  await page.getByRole("navigation", { name: "Soort e-mail" }).getByRole("link", { name: /^Verzonden/ }).click();
  await expect(page).toHaveURL(/status=sent/);
  await settled(page, testInfo);
  await expect(page.getByRole("heading", { level: 2, name: "Verzonden" })).toBeVisible();
  const sent = page.getByRole("table", { name: "Berichten, nieuwste eerst" });
  // Other tests mail anna too (coordination); her match notice is among the sent.
  await expect(
    sent.getByRole("row").filter({ hasText: "anna@ggd.example" }).filter({ hasText: "ook andere professionals zijn betrokken" }).first(),
  ).toContainText("verzonden");
  await expect(sent.getByRole("row").filter({ hasText: "carla@school.example" }).first()).toContainText("verzonden");
  await expect(page.getByText(family)).toHaveCount(0);
  await expectAccessible(page, testInfo);
});
