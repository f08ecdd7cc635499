import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { artifacts, browserTestsRun, launchChromium, noSeriousViolations } from "./browser";
import { LapseProcess } from "./lapse-process";

describe.runIf(browserTestsRun)("the console in Chromium", () => {
  const lapse = new LapseProcess();
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];

  beforeAll(async () => {
    await lapse.start();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.on("console", (message) => {
      if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await lapse.stop();
  });

  it("signs in with the bootstrap token, by keyboard alone, and keeps no secret in browser storage", async () => {
    await page.goto(`${lapse.url}/sign-in`);
    await noSeriousViolations(page, "sign-in");
    await page.screenshot({ path: path.join(artifacts, "sign-in.png") });
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("token");
    await page.keyboard.type(lapse.adminToken);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/orgs\/acme\/tokens/);
    const stored = await page.evaluate(
      () =>
        JSON.stringify({ ...localStorage }) +
        JSON.stringify({ ...sessionStorage }) +
        document.cookie,
    );
    expect(stored).not.toContain(lapse.adminToken.slice(10));
  }, 30_000);

  it("counts a team token down and turns its row expired without a reload", async () => {
    await lapse.gql(`mutation { createTeam(organization: "acme", name: "platform") { name } }`);
    const expiresAt = new Date(Date.now() + 6000).toISOString();
    await lapse.gql(
      `mutation($e: DateTime) { createTeamToken(organization: "acme", team: "platform", name: "soon", expiresAt: $e) { secret } }`,
      { e: expiresAt },
    );
    await page.goto(`${lapse.url}/orgs/acme/tokens?kind=TEAM`);
    const cell = page.locator('tr[data-token="soon"] [data-state]');
    await expect.poll(() => cell.textContent(), { timeout: 5000 }).toMatch(/in \d s/);
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await expect
      .poll(() => cell.getAttribute("data-state"), { timeout: 15_000, interval: 250 })
      .toBe("expired");
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.screenshot({ path: path.join(artifacts, "tokens-team.png") });
    await noSeriousViolations(page, "tokens");
    // On a wide screen no short word splits letter by letter ("Kin|d", "Rotat|e"), as it did when
    // every cell could break anywhere.
    const lines = (text: string) =>
      page.evaluate((t) => {
        const range = document.createRange();
        const element = [...document.querySelectorAll("table.tokens th, table.tokens button")].find(
          (e) => e.textContent === t,
        )!;
        range.selectNodeContents(element);
        return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
      }, text);
    for (const word of ["Kind", "Rotate", "Revoke"]) expect(await lines(word), word).toBe(1);
  }, 30_000);

  it("creates a token from the form, shows its secret once, and revokes another behind a confirmation", async () => {
    await page.getByRole("button", { name: "New team token" }).click();
    await page.getByLabel("Name").fill("deploy");
    await page.getByLabel(/own scopes/).fill("deploy:prod");
    await page.getByLabel(/networks/).fill("10.0.0.0/8");
    await page.getByLabel("7 days").check();
    await expect.poll(() => page.getByText(/^Expires \d{4}-/).count()).toBe(1);
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = await page.getByTestId("secret").textContent();
    expect(secret).toMatch(/^lapse_tat_/);
    await page.screenshot({ path: path.join(artifacts, "token-created.png") });
    await page.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByTestId("secret").count()).toBe(0);
    await expect
      .poll(() => page.locator('tr[data-token="deploy"] [data-state]').getAttribute("data-state"))
      .toBe("week");
    await expect
      .poll(() => page.locator('tr[data-token="deploy"] .scopes').textContent())
      .toMatch(/deploy:prod.*only from 10\.0\.0\.0\/8/);

    await page.getByRole("button", { name: "Revoke deploy" }).click();
    const dialog = page.getByRole("alertdialog");
    await expect.poll(() => dialog.textContent()).toContain("“deploy”");
    await noSeriousViolations(page, "revoke dialog");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    // Revoked, it leaves the active list, and shows among the rest on request.
    await expect.poll(() => page.locator('tr[data-token="deploy"]').count()).toBe(0);
    await page.getByLabel("Show expired and revoked tokens").check();
    await expect
      .poll(() => page.locator('tr[data-token="deploy"] [data-state]').getAttribute("data-state"))
      .toBe("revoked");
    await page.getByLabel("Show expired and revoked tokens").uncheck();
  }, 30_000);

  it("filters the audit view for tokens expiring within 7 days, keeping the filter in the URL", async () => {
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    for (const [name, days] of [
      ["month-left", 20],
      ["week-left", 3],
    ] as const) {
      await lapse.gql(
        `mutation($n: String!, $e: DateTime) { createTeamToken(organization: "acme", team: "platform", name: $n, expiresAt: $e) { secret } }`,
        { n: name, e: inDays(days) },
      );
    }
    await page.goto(`${lapse.url}/orgs/acme/audit`);
    await page.getByLabel("Expiring within (days)").fill("7");
    await page.waitForURL(/expiringWithinDays=7/);
    const rows = () =>
      page.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-token")));
    await expect.poll(rows).toEqual(["week-left"]);
    await page.reload();
    await expect.poll(rows).toEqual(["week-left"]);
    expect(await page.getByLabel("Expiring within (days)").inputValue()).toBe("7");
    await noSeriousViolations(page, "audit tokens");
    await page.screenshot({ path: path.join(artifacts, "audit.png"), fullPage: true });

    expect(await page.getByRole("link", { name: /Download CSV/ }).getAttribute("href")).toBe(
      "/api/orgs/acme/tokens.csv?expiringWithinDays=7",
    );

    await page.getByRole("link", { name: "Events" }).click();
    await expect.poll(() => page.locator("tbody tr").count()).toBeGreaterThan(3);
    await page.getByLabel("Type").selectOption("TOKEN_REVOKED");
    await page.waitForURL(/type=TOKEN_REVOKED/);
    await expect
      .poll(() => page.locator("tbody tr td:nth-child(2)").allTextContents())
      .toEqual(["token revoked"]);
    expect(await page.getByRole("link", { name: /Download CSV/ }).getAttribute("href")).toBe(
      "/api/orgs/acme/auditlog.csv?types=TOKEN_REVOKED",
    );
    await noSeriousViolations(page, "audit events");
  }, 30_000);

  it("previews an expiry policy on the organization page before saving it", async () => {
    await page.goto(`${lapse.url}/orgs/acme`);
    await page.getByLabel(/Maximum lifetime/).fill("14");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect
      .poll(() => page.getByText(/This cap would refuse \d+ active tokens/).count())
      .toBe(1);
    // The 30-day team token and the 30-day bootstrap token would be refused; nothing is saved yet.
    expect(await page.getByText(/^month-left/).count()).toBe(1);
    expect(await page.getByText(/^No cap/).count()).toBe(1);
    await noSeriousViolations(page, "organization");
    await page.screenshot({ path: path.join(artifacts, "organization.png"), fullPage: true });
  }, 30_000);

  it("creates a webhook (secret once), sends a test event, filters the delivery log and redelivers", async () => {
    const received: string[] = [];
    let answer = 204;
    const receiver = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        received.push(String(req.headers["webhook-id"]));
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      await page.goto(`${lapse.url}/orgs/acme/webhooks`);
      await page.getByLabel("URL").fill(url);
      // token.expired is left out: tokens of the tests before lapse while this one runs.
      await page.getByLabel("token.expired").uncheck();
      await page.getByLabel("token.revoked").check();
      await page.getByRole("button", { name: "Create webhook" }).click();
      expect(await page.getByTestId("secret").textContent()).toMatch(/^whsec_/);
      await noSeriousViolations(page, "webhook secret");
      await page.getByRole("button", { name: "Done" }).click();
      const hook = page.locator(`li[data-webhook="${url}"]`);
      await expect
        .poll(() => hook.textContent())
        .toContain("Events: token.expiring, token.revoked");

      await hook.getByRole("button", { name: "Send test event" }).click();
      const rows = hook.locator('tbody tr[data-delivery="webhook.test"]');
      await expect
        .poll(() => rows.first().getAttribute("data-status"), { timeout: 15_000 })
        .toBe("DELIVERED");
      expect(received).toHaveLength(1);

      answer = 500;
      await hook.getByRole("button", { name: "Send test event" }).click();
      await expect
        .poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-status"))), {
          timeout: 15_000,
        })
        .toEqual(["RETRYING", "DELIVERED"]);
      await hook.getByLabel("retrying").check();
      await expect.poll(() => rows.count()).toBe(1);
      await page.screenshot({ path: path.join(artifacts, "webhooks.png"), fullPage: true });
      await noSeriousViolations(page, "webhooks");

      answer = 204;
      await hook.getByRole("button", { name: /^Redeliver webhook\.test/ }).click();
      await hook.getByLabel("retrying").uncheck();
      await expect
        .poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-status"))), {
          timeout: 15_000,
        })
        .toEqual(["DELIVERED", "DELIVERED"]);
      // The redelivery carries the webhook-id of the failed attempt.
      expect(received.slice(1)).toEqual([received[1], received[1]]);

      await page.getByLabel("Days before expiry (comma-separated)").fill("14, 3");
      await page.getByRole("button", { name: "Save thresholds" }).click();
      await expect.poll(() => page.getByText("Warned 14, 3 days before").count()).toBe(1);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  }, 60_000);

  it("lets an invited person join with the code and land signed in", async () => {
    const { inviteMember } = await lapse.gql<{ inviteMember: { code: string } }>(
      `mutation { inviteMember(organization: "acme", login: "newcomer", role: MEMBER) { code } }`,
    );
    const context = await browser.newContext();
    const newcomer = await context.newPage();
    await newcomer.goto(`${lapse.url}/sign-in`);
    await newcomer.getByLabel("Invitation code").fill(inviteMember.code);
    await newcomer.getByRole("button", { name: "Join" }).click();
    expect(await newcomer.getByTestId("secret").textContent()).toMatch(/^lapse_pat_/);
    await newcomer.getByRole("button", { name: "Done" }).click();
    await newcomer.waitForURL(/\/orgs\/acme\/tokens/);
    await expect.poll(() => newcomer.locator('tr[data-token="console"]').count()).toBe(1);
    await context.close();
  }, 30_000);

  it("works by keyboard alone: reach a row's Revoke, open the confirmation, and back out with Escape", async () => {
    await page.goto(`${lapse.url}/orgs/acme/tokens?kind=TEAM`);
    await page.locator('tr[data-token="week-left"]').waitFor();
    let reached = false;
    for (let i = 0; i < 40 && !reached; i++) {
      await page.keyboard.press("Tab");
      reached =
        (await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))) ===
        "Revoke week-left";
    }
    expect(reached).toBe(true);
    await page.keyboard.press("Enter");
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.textContent))
      .toBe("Cancel");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByRole("alertdialog").count()).toBe(0);
    expect(
      await page.locator('tr[data-token="week-left"] [data-state]').getAttribute("data-state"),
    ).toBe("week");
  }, 30_000);

  it("says which edition team and organization tokens need where the organization lacks it", async () => {
    await lapse.gql(`mutation { createOrganization(name: "smallco", edition: TEAM) { name } }`);
    await page.goto(`${lapse.url}/orgs/smallco/tokens?kind=ORGANIZATION`);
    await expect
      .poll(() => page.locator(".notice").textContent())
      .toBe(
        "Organization tokens need the ENTERPRISE or BUSINESS_CRITICAL edition; smallco has the TEAM edition.",
      );
    expect(await page.getByRole("button", { name: /New organization token/ }).count()).toBe(0);
  }, 30_000);

  it("is readable on a phone-width screen", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${lapse.url}/orgs/acme/tokens?kind=TEAM`);
    await page.locator('tr[data-token="week-left"]').waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(artifacts, "tokens-phone.png"), fullPage: true });
  }, 30_000);

  it("runs under its strict Content-Security-Policy without a single violation", () => {
    expect(cspViolations).toEqual([]);
  });

  it("opens the token an expiry email links to, whatever its tab, and rotates it from there", async () => {
    await lapse.gql(`mutation { createTeam(organization: "acme", name: "nightly-jobs") { name } }`);
    const created = await lapse.gql<{ createTeamToken: { token: { id: string } } }>(
      `mutation($e: DateTime) { createTeamToken(organization: "acme", team: "nightly-jobs", name: "nightly", expiresAt: $e) { token { id } } }`,
      { e: new Date(Date.now() + 3 * 86_400_000).toISOString() },
    );
    const id = created.createTeamToken.token.id;
    // The link as the digest writes it (email-digest.test.ts): LAPSE_CONSOLE_URL/orgs/<org>/tokens?token=<id>.
    await page.goto(`${lapse.url}/orgs/acme/tokens?token=${id}`);
    const spotlight = page.locator("section.spotlight");
    await expect.poll(() => spotlight.getByRole("heading").textContent()).toBe("nightly");
    expect(await spotlight.locator("[data-state]").getAttribute("data-state")).toBe("week");
    await noSeriousViolations(page, "token spotlight");
    await page.screenshot({ path: path.join(artifacts, "token-spotlight.png") });

    await spotlight.getByRole("button", { name: "Rotate" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Rotate" }).click();
    expect(await page.getByTestId("secret").textContent()).toMatch(/^lapse_tat_/);
    // The link now follows the successor: the old token is revoked, the new one is the one to watch.
    await page.waitForURL((url) => !!url.searchParams.get("token") && !url.href.includes(id));
    // The successor is active (Rotate offered); polled, as the old, revoked one may show a moment.
    await expect.poll(() => spotlight.getByRole("button", { name: "Rotate" }).count()).toBe(1);
    expect(await spotlight.getByRole("heading").textContent()).toBe("nightly");
    await page.getByRole("button", { name: "Done" }).click();

    await page.goto(`${lapse.url}/orgs/acme/tokens?token=${id}`);
    await expect
      .poll(() => spotlight.locator("[data-state]").getAttribute("data-state"))
      .toBe("revoked");
    expect(await spotlight.getByRole("button", { name: "Rotate" }).count()).toBe(0);
    await page.goto(`${lapse.url}/orgs/acme/tokens?token=0190a000-0000-7000-8000-000000000000`);
    await expect.poll(() => spotlight.getByRole("heading").textContent()).toBe("Token not found");
  }, 30_000);

  it("shows how many tokens there are, loads past the first hundred, and keeps a long table light", async () => {
    for (let i = 0; i < 220; i++) {
      await lapse.gql(
        `mutation($n: String!, $e: DateTime) { createOrganizationToken(organization: "acme", name: $n, expiresAt: $e) { secret } }`,
        // No token outlives the one that makes it: the first-run token lives 30 days.
        {
          n: `bulk-${String(i).padStart(3, "0")}`,
          e: new Date(Date.now() + 20 * 86_400_000).toISOString(),
        },
      );
    }
    await page.goto(`${lapse.url}/orgs/acme/tokens?kind=ORGANIZATION`);
    const showing = page.getByText(/^Showing \d+ of \d+/);
    await expect.poll(() => showing.textContent()).toMatch(/^Showing 100 of 2[2-9]\d/);
    const total = Number(/of (\d+)/.exec((await showing.textContent())!)![1]);
    while ((await page.getByRole("button", { name: "Load more" }).count()) > 0) {
      const before = await showing.textContent();
      await page.getByRole("button", { name: "Load more" }).click();
      await expect.poll(() => showing.textContent()).not.toBe(before);
    }
    await expect.poll(() => showing.textContent()).toBe(`Showing ${total} of ${total} active`);
    // Past 200 rows only those near the viewport are in the document; the table says its size.
    expect(await page.locator("tr[data-token]").count()).toBeLessThan(100);
    expect(await page.locator("table.tokens").getAttribute("aria-rowcount")).toBe(
      String(total + 1),
    );
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await expect.poll(() => page.locator('tr[data-token="bulk-219"]').count()).toBe(1);
    expect(await page.locator('tr[data-token="bulk-219"]').getAttribute("aria-rowindex")).toBe(
      String(total + 1),
    );
    await page.screenshot({ path: path.join(artifacts, "tokens-long.png") });
  }, 90_000);

  it("lands back on sign-in saying so after signing out, and plainly on the next visit", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in\?reason=/);
    expect(await page.getByRole("status").textContent()).toBe("You signed out.");
    await page.goto(`${lapse.url}/orgs/acme/tokens`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByLabel("Personal access token").waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
  }, 30_000);
});
