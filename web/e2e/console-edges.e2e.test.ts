import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserTestsRun,
  launchChromium,
  noSeriousViolations,
  screenshot,
  signInWithToken,
} from "./browser";
import { LapseProcess } from "./lapse-process";

const DAY = 86_400_000;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();
const CREATE_PERSONAL = `mutation($n: String!, $d: String, $e: DateTime) {
  createPersonalToken(name: $n, description: $d, expiresAt: $e) { secret token { id } }
}`;
type Created = { createPersonalToken: { secret: string; token: { id: string } } };

/** The rough edges a newcomer found (issue 15), each as the person meets it. */
describe.runIf(browserTestsRun)("the console's rough edges, in Chromium", () => {
  const lapse = new LapseProcess();
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  const signIn = (on: Page, secret: string) => signInWithToken(on, lapse.url, secret);
  const personal = (name: string, expiresInMs: number | null, description?: string) =>
    lapse.gql<Created>(CREATE_PERSONAL, {
      n: name,
      d: description ?? null,
      e: expiresInMs === null ? null : inMs(expiresInMs),
    });
  const row = (name: string) => page.locator(`tr[data-token="${name}"]`);

  beforeAll(async () => {
    await lapse.start();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // Shorter than a test's own timeout, so a failure names the step that waited.
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await lapse.stop();
  });

  it("gives a first visitor a plain sign-in, with no error", async () => {
    await page.goto(`${lapse.url}/orgs/acme/tokens`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel("Personal access token").waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(await page.getByRole("status").count()).toBe(0);
    await signIn(page, lapse.adminToken);
  }, 30_000);

  it("labels the first-run token bootstrap and a token made in the console console", async () => {
    await page.getByRole("button", { name: "New personal token" }).click();
    await page.getByLabel("Name").fill("made-here");
    await page.getByLabel("7 days").check();
    await page.getByRole("button", { name: "Create token" }).click();
    await page.getByRole("button", { name: "Done" }).click();
    await expect
      .poll(() => row("made-here").locator(".muted").first().textContent())
      .toMatch(/· console$/);
    expect(await row("bootstrap").locator(".muted").first().textContent()).toMatch(/· bootstrap$/);
  }, 30_000);

  it("counts a fresh 7-day token as 7 days, and a 3-day one as 3, with the date in view", async () => {
    await personal("three-days", 3 * DAY);
    await page.reload();
    await expect
      .poll(() => row("made-here").locator("[data-state]").textContent())
      .toMatch(/in 7 days/);
    expect(await row("three-days").locator("[data-state]").textContent()).toMatch(/in 3 days/);
    expect(await row("three-days").locator("time.expiry-exact").isVisible()).toBe(true);
  }, 30_000);

  it("answers not-found for an unknown page or organization, on every organization page", async () => {
    for (const path of ["/orgs/acme/settings", "/nowhere", "/orgs/nope/tokens", "/orgs/nope"]) {
      await page.goto(`${lapse.url}${path}`);
      await expect
        .poll(() => page.getByRole("heading", { level: 1 }).textContent(), { timeout: 10_000 })
        .toBe("Not found");
      expect(await page.locator("tr[data-token]").count()).toBe(0);
    }
    expect(await page.getByText(/There is no organization “nope”/).count()).toBe(1);
    await noSeriousViolations(page, "not found");
  }, 30_000);

  it("shows active tokens first, the rest on request, with descriptions and a search", async () => {
    await personal("old-laptop", DAY, "the laptop I gave back");
    const revoked = await personal("gone", DAY);
    await lapse.gql(`mutation($id: ID!) { revokeToken(id: $id) { id } }`, {
      id: revoked.createPersonalToken.token.id,
    });
    await page.goto(`${lapse.url}/orgs/acme/tokens`);
    await row("old-laptop").waitFor();
    expect(await row("old-laptop").locator(".description").textContent()).toBe(
      "the laptop I gave back",
    );
    expect(await row("gone").count()).toBe(0);
    await page.getByLabel("Show expired and revoked tokens").check();
    await row("gone").waitFor();
    const statuses = await page
      .locator("tr[data-token]")
      .evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-status")));
    expect(statuses.at(-1)).toBe("REVOKED");
    expect(statuses.indexOf("REVOKED")).toBe(statuses.lastIndexOf("ACTIVE") + 1);

    await page.getByLabel("Search tokens").fill("LAPTOP I GAVE");
    await expect
      .poll(() =>
        page.locator("tr[data-token]").evaluateAll((trs) => trs.map((tr) => tr.dataset.token)),
      )
      .toEqual(["old-laptop"]);
    await page.getByLabel("Search tokens").fill("zzz");
    await page.getByText("No tokens match “zzz”.").waitFor();
    await page.getByRole("button", { name: "Clear search" }).click();
    await row("old-laptop").waitFor();
    await page.getByLabel("Show expired and revoked tokens").uncheck();
    await noSeriousViolations(page, "tokens with tools");
  }, 30_000);

  it("serves a real favicon", async () => {
    const response = await fetch(`${lapse.url}/favicon.ico`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/icon/);
    expect((await fetch(`${lapse.url}/favicon.svg`)).status).toBe(200);
  });

  it("rotates with a new expiry and a grace period, says rotated, and links old and new", async () => {
    await page.goto(`${lapse.url}/orgs/acme/tokens`);
    await page.getByRole("button", { name: "Rotate made-here" }).click();
    const dialog = page.getByRole("dialog");
    const choice = (label: string) =>
      dialog.locator("label", { hasText: new RegExp(`^ ?${label}`) }).locator("input");
    // A 7-day token offers nothing longer: a rotation keeps its lifetime.
    expect(await choice("30 days").isDisabled()).toBe(true);
    expect(await choice("7 days").isDisabled()).toBe(false);
    await choice("1 day").check();
    await dialog.getByLabel(/Grace period/).selectOption({ label: "1 hour" });
    await noSeriousViolations(page, "rotate dialog");
    await dialog.getByRole("button", { name: "Rotate" }).click();
    await page.getByRole("heading", { name: "Token “made-here” rotated" }).waitFor();
    await page.getByRole("button", { name: "Done" }).click();
    // Through the grace period the old secret works, so both rows are active.
    await expect.poll(() => row("made-here").count()).toBe(2);
    const lineage = await row("made-here").locator(".lineage").allTextContents();
    expect(lineage.sort().map((text) => text.replace(/lapse_\S+/, "<hint>").trim())).toEqual([
      "replaced by <hint>",
      "rotated from <hint>",
    ]);
    const texts = await row("made-here").locator("[data-state]").allTextContents();
    expect(texts.some((text) => /in (23 h|24 h|1 day)/.test(text))).toBe(true);
  }, 30_000);

  it("finds nothing with a clear way back, and explains filters that contradict", async () => {
    await page.goto(`${lapse.url}/orgs/acme/audit?owner=nobody-at-all`);
    await page.getByText("No tokens match these filters.").waitFor();
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForURL(/\/audit$/);
    await page.getByLabel("Expiring within (days)").fill("7");
    // The box follows the URL, which the router updates a moment after the click.
    await page.getByLabel(/Never expires/i).click();
    await page.waitForURL(/neverExpires=true/);
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toMatch(/"Expiring within 7 days" and "never expires" cannot both hold/);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => page.getByRole("alert").count()).toBe(0);
  }, 30_000);

  it("answers a policy of 1.5 days with a sentence, and forgets it on the next try", async () => {
    await page.goto(`${lapse.url}/orgs/acme`);
    await page.getByLabel(/Maximum lifetime/).fill("1.5");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toBe("Enter a whole number of days from 1 to 3650, or leave it empty for no cap.");
    await page.getByLabel(/Maximum lifetime/).fill("14");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.getByText(/This cap would refuse \d+ active tokens? in acme/).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
  }, 30_000);

  it("fits a phone: a 40-character name wraps, the header is one row, cards keep labels", async () => {
    const long = "a-forty-character-token-name-for-phones1";
    expect(long).toHaveLength(40);
    await personal(long, 30 * DAY - 60_000);
    await page.setViewportSize({ width: 390, height: 844 });
    for (const path of ["/orgs/acme/tokens", "/orgs/acme/audit?tab=events", "/orgs/acme"]) {
      await page.goto(`${lapse.url}${path}`);
      await page.locator("main table").first().waitFor();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow, path).toBeLessThanOrEqual(0);
      const header = await page.locator("header.top").boundingBox();
      expect(header!.height, path).toBeLessThanOrEqual(56);
      // The organization's name stays in view, not squeezed to nothing.
      const org = await page.locator("header.top nav .muted").boundingBox();
      expect(org!.width, path).toBeGreaterThan(20);
      // Each card's cells name themselves, the header row being hidden.
      const labels = await page
        .locator("main table tbody tr")
        .first()
        .locator("td[data-label]")
        .evaluateAll((tds) => tds.map((td) => getComputedStyle(td, "::before").content));
      expect(labels.length, path).toBeGreaterThan(0);
      for (const label of labels) expect(label, path).toMatch(/^".+: "$/);
    }
    await page.goto(`${lapse.url}/orgs/acme/tokens`);
    await row(long).waitFor();
    expect(await row(long).locator("time.expiry-exact").isVisible()).toBe(true);
    await screenshot(page, "edges-phone");
    await page.setViewportSize({ width: 1280, height: 800 });
  }, 60_000);

  it("warns before revoking the token you are signed in with, then signs out saying why", async () => {
    const laptop = await personal("this-browser", 20 * DAY);
    const own = await browser.newContext();
    own.setDefaultTimeout(10_000);
    const tab = await own.newPage();
    await signIn(tab, laptop.createPersonalToken.secret);
    await tab.getByRole("button", { name: "Revoke this-browser" }).click();
    const dialog = tab.getByRole("alertdialog");
    await expect
      .poll(() => dialog.textContent())
      .toContain("This is the token you are signed in with: you will be signed out.");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await tab.waitForURL(/\/sign-in\?reason=/);
    expect(await tab.getByRole("status").textContent()).toBe(
      "You revoked the token you were signed in with, so you are signed out. Sign in with another token.",
    );
    expect(await tab.getByText(/Something went wrong/).count()).toBe(0);
    await own.close();
  }, 30_000);

  it("says the session ended with its token's expiry, and when", async () => {
    // Long enough to sign in on a busy machine; the server's clock is real, so the test waits it out.
    const lifetime = 10_000;
    const expiresAt = Date.now() + lifetime;
    const brief = await personal("brief", lifetime);
    const own = await browser.newContext();
    own.setDefaultTimeout(10_000);
    const tab = await own.newPage();
    await signIn(tab, brief.createPersonalToken.secret);
    await tab.locator('tr[data-token="brief"]').waitFor();
    await new Promise((resolve) => setTimeout(resolve, expiresAt - Date.now() + 500));
    await tab.getByRole("link", { name: "Audit" }).click();
    await tab.waitForURL(/\/sign-in\?reason=/, { timeout: 10_000 });
    const notice = await tab.getByRole("status").textContent();
    expect(notice).toMatch(/^Your session ended: the token you signed in with expired at .+\d/);
    expect(await tab.getByRole("alert").count()).toBe(0);
    await own.close();
  }, 30_000);
});
