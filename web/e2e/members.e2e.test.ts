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

describe.runIf(browserTestsRun)("members and teams in Chromium", () => {
  const lapse = new LapseProcess();
  let browser: Browser;
  let page: Page;
  let newcomerContext: BrowserContext;
  let newcomer: Page;

  /** Invites `login` from the members page and returns the code, shown once. */
  async function invite(login: string): Promise<string> {
    await page.goto(`${lapse.url}/orgs/acme/members`);
    await page.getByLabel("Login").fill(login);
    await page.getByRole("button", { name: "Invite", exact: true }).click();
    const code = (await page.getByTestId("secret").textContent()) ?? "";
    expect(code).toMatch(/^lapse_inv_/);
    return code;
  }
  const overflow = (p: Page) =>
    p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  beforeAll(async () => {
    await lapse.start();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await signInWithToken(page, lapse.url, lapse.adminToken);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await lapse.stop();
  });

  it("invites a person, shows the code once, lists the invitation and cancels it", async () => {
    const code = await invite("visitor");
    await noSeriousViolations(page, "invitation code");
    await screenshot(page, "members-invited");
    await page.getByRole("button", { name: "Done" }).click();
    await expect.poll(() => page.getByTestId("secret").count()).toBe(0);
    expect(await page.locator("body").textContent()).not.toContain(code);

    const row = page.locator('tr[data-invitation="visitor"]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toMatch(/member.*admin/);
    await noSeriousViolations(page, "members");
    await page.getByRole("button", { name: "Cancel the invitation for visitor" }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.getByRole("status").textContent()).toMatch(/no longer works/);

    const redeemed = await fetch(`${lapse.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        query: `mutation($c: String!) { redeemInvitation(code: $c, tokenName: "late") { secret } }`,
        variables: { c: code },
      }),
    });
    const body = (await redeemed.json()) as { errors?: { extensions: { code: string } }[] };
    expect(body.errors?.[0]?.extensions.code).toBe("NOT_FOUND");
  }, 60_000);

  it("lets the invited person join in another browser, and changes their role", async () => {
    const code = await invite("newcomer");
    await page.getByRole("button", { name: "Done" }).click();
    newcomerContext = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    newcomer = await newcomerContext.newPage();
    await newcomer.goto(`${lapse.url}/sign-in`);
    await newcomer.getByLabel("Invitation code").fill(code);
    await newcomer.getByRole("button", { name: "Join" }).click();
    expect(await newcomer.getByTestId("secret").textContent()).toMatch(/^lapse_pat_/);
    await newcomer.getByRole("button", { name: "Done" }).click();
    await newcomer.waitForURL(/\/orgs\/acme\/tokens/);

    await page.reload();
    await expect.poll(() => page.locator('tr[data-invitation="newcomer"]').count()).toBe(0);
    const role = page.getByLabel("Role of newcomer");
    expect(await role.inputValue()).toBe("MEMBER");
    const members = () =>
      lapse.gql<{ organization: { members: { role: string; user: { login: string } }[] } }>(
        `{ organization(name: "acme") { members { role user { login } } } }`,
      );
    const roleOf = async () =>
      (await members()).organization.members.find((m) => m.user.login === "newcomer")?.role;
    await role.selectOption("AUDITOR");
    await expect.poll(roleOf).toBe("AUDITOR");
    await role.selectOption("MEMBER");
    await expect.poll(roleOf).toBe("MEMBER");
  }, 60_000);

  it("creates a team, adds the member, makes them MAINTAINER, removes them and deletes the team", async () => {
    await page.goto(`${lapse.url}/orgs/acme/teams`);
    await page.getByLabel("Team name").fill("release");
    await page.getByRole("button", { name: "Create team" }).click();
    await page.locator('tr[data-team="release"]').waitFor();
    await noSeriousViolations(page, "teams");
    await page.getByRole("link", { name: "release", exact: true }).click();
    await page.waitForURL(/\/orgs\/acme\/teams\/release$/);

    await page.getByLabel("Person").selectOption("newcomer");
    await page.getByRole("button", { name: "Add to team" }).click();
    const row = page.locator('tr[data-member="newcomer"]');
    await expect.poll(() => row.getAttribute("data-role")).toBe("MEMBER");
    await page.getByRole("button", { name: "Make newcomer maintainer" }).click();
    await expect.poll(() => row.getAttribute("data-role")).toBe("MAINTAINER");
    await noSeriousViolations(page, "team");
    await screenshot(page, "team");

    // A MAINTAINER manages the team's members, though only a MEMBER of the organization.
    await newcomer.goto(`${lapse.url}/orgs/acme/teams/release`);
    await newcomer.getByRole("button", { name: "Make newcomer member" }).waitFor();
    expect(await newcomer.getByRole("button", { name: "Add to team" }).count()).toBe(1);

    await page.getByRole("button", { name: "Remove newcomer from release" }).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await page.getByText("Nobody is in release yet.").count()).toBe(1);

    // No token outlives the one that makes it: the first-run token lives 30 days.
    await lapse.gql(
      `mutation($e: DateTime) { createTeamToken(organization: "acme", team: "release", name: "ship", expiresAt: $e) { secret } }`,
      { e: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    );
    await page.goto(`${lapse.url}/orgs/acme/teams`);
    await page.getByRole("button", { name: "Delete team release" }).click();
    const dialog = page.getByRole("alertdialog");
    expect(await dialog.textContent()).toMatch(/token of “release” that still works is revoked/);
    await noSeriousViolations(page, "delete team dialog");
    await dialog.getByRole("button", { name: "Delete team" }).click();
    await expect.poll(() => page.locator('tr[data-team="release"]').count()).toBe(0);
    const { tokens } = await lapse.gql<{ tokens: { edges: { node: { status: string } }[] } }>(
      `{ tokens(filter: { organization: "acme", kinds: [TEAM], statuses: [ACTIVE, REVOKED] }) { edges { node { name status } } } }`,
    );
    expect(tokens.edges.map((e) => e.node)).toEqual([{ name: "ship", status: "REVOKED" }]);
  }, 60_000);

  it("offers a MEMBER the lists and none of the ADMIN's controls", async () => {
    await lapse.gql(`mutation { createTeam(organization: "acme", name: "web") { name } }`);
    await newcomer.goto(`${lapse.url}/orgs/acme/members`);
    await newcomer.locator('tr[data-member="newcomer"]').waitFor();
    for (const absent of [
      newcomer.getByRole("button", { name: "Invite", exact: true }),
      newcomer.getByRole("heading", { name: "Pending invitations" }),
      newcomer.getByRole("button", { name: /^Remove/ }),
      newcomer.getByRole("combobox"),
    ]) {
      expect(await absent.count()).toBe(0);
    }
    expect(await newcomer.locator('tr[data-member="admin"]').textContent()).toMatch(/admin$/);
    await noSeriousViolations(newcomer, "members as a MEMBER");

    await newcomer.goto(`${lapse.url}/orgs/acme/teams`);
    await newcomer.locator('tr[data-team="web"]').waitFor();
    expect(await newcomer.getByRole("button", { name: "Create team" }).count()).toBe(0);
    expect(await newcomer.getByRole("button", { name: /^Delete/ }).count()).toBe(0);
    await newcomer.goto(`${lapse.url}/orgs/acme/teams/web`);
    await newcomer.getByText("Nobody is in web yet.").waitFor();
    expect(await newcomer.getByRole("button").allTextContents()).toEqual(["Sign out"]);
    await noSeriousViolations(newcomer, "team as a MEMBER");
    await newcomerContext.close();
  }, 60_000);

  it("fits a phone-width screen on every new page", async () => {
    await lapse.gql(
      `mutation { addTeamMember(organization: "acme", team: "web", login: "newcomer", role: MAINTAINER) { login } }`,
    );
    await lapse.gql(
      `mutation { inviteMember(organization: "acme", login: "a-rather-long-login-for-a-phone", role: AUDITOR) { code } }`,
    );
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, ready] of [
      ["members", 'tr[data-invitation="a-rather-long-login-for-a-phone"]'],
      ["teams", 'tr[data-team="web"]'],
      ["teams/web", 'tr[data-member="newcomer"]'],
    ] as const) {
      await page.goto(`${lapse.url}/orgs/acme/${path}`);
      await page.locator(ready).waitFor();
      expect(await overflow(page), path).toBeLessThanOrEqual(0);
      await screenshot(page, `${path.replace("/", "-")}-phone`);
    }
  }, 60_000);

  it("removes a member only after a confirmation that says what removal does", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${lapse.url}/orgs/acme/members`);
    const row = page.locator('tr[data-member="newcomer"]');
    await row.waitFor();
    await page.getByRole("button", { name: "Remove newcomer" }).click();
    const dialog = page.getByRole("alertdialog");
    expect(await dialog.textContent()).toMatch(/leaves acme and all of its teams at once/);
    await noSeriousViolations(page, "remove member dialog");
    await dialog.getByRole("button", { name: "Cancel" }).click();
    expect(await row.count()).toBe(1);
    await page.getByRole("button", { name: "Remove newcomer" }).click();
    await dialog.getByRole("button", { name: "Remove" }).click();
    await expect.poll(() => row.count()).toBe(0);
    const { organization } = await lapse.gql<{
      organization: { teams: { name: string; members: unknown[] }[] };
    }>(`{ organization(name: "acme") { teams { name members { role } } } }`);
    expect(organization.teams).toEqual([{ name: "web", members: [] }]);
  }, 60_000);
});
