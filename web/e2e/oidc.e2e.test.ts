import { randomUUID } from "node:crypto";
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey } from "jose";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  browserTestsRun,
  launchChromium,
  noSeriousViolations,
  screenshot,
  signInWithToken,
} from "./browser";
import { LapseProcess } from "./lapse-process";

/** An issuer the server never fetches from: registered with its static JWKS. */
const ISSUER_URL = "https://ci.example.test";
const AUDIENCE = "urn:lapse:org:acme";

describe.runIf(browserTestsRun)("OIDC issuers in the console", () => {
  // The issuer's name does not resolve here: with private issuers allowed, registration asks no DNS.
  const lapse = new LapseProcess({ LAPSE_OIDC_ALLOW_PRIVATE_ISSUERS: "true" });
  let browser: Browser;
  let page: Page;
  let privateKey: CryptoKey;
  let jwks: string;
  const kid = randomUUID();

  /** A GitHub Actions-like JWT for acme/infra on main, signed by the issuer's key, valid now. */
  const jwt = (overrides: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: ISSUER_URL,
      aud: AUDIENCE,
      sub: "repo:acme/infra:ref:refs/heads/main",
      repository_owner_id: "7890",
      jti: randomUUID(),
      iat: now,
      nbf: now,
      exp: now + 300,
      ...overrides,
    })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .sign(privateKey);
  };

  beforeAll(async () => {
    const keys = await generateKeyPair("RS256", { extractable: true });
    privateKey = keys.privateKey;
    jwks = JSON.stringify({
      keys: [{ ...(await exportJWK(keys.publicKey)), kid, alg: "RS256", use: "sig" }],
    });
    await lapse.start();
    await lapse.gql(`mutation { createTeam(organization: "acme", name: "platform") { name } }`);
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await signInWithToken(page, lapse.url, lapse.adminToken);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await lapse.stop();
  });

  it("registers an issuer with a static JWKS from the menu's OIDC page", async () => {
    await page.getByRole("link", { name: "OIDC" }).click();
    await page.waitForURL(/\/orgs\/acme\/oidc$/);
    await expect.poll(() => page.getByText(/No issuers yet/).count()).toBe(1);
    await noSeriousViolations(page, "oidc issuers");
    await page.getByLabel("Name").fill("ci");
    await page.getByLabel(/Issuer URL/).fill(ISSUER_URL);
    await page.getByLabel(/A static JWKS/).check();
    await page.getByLabel(/JWKS \(public keys only\)/).fill(jwks);
    await page.getByRole("button", { name: "Register issuer" }).click();
    await expect
      .poll(() => page.getByRole("status").textContent())
      .toContain("Issuer ci registered.");
    const row = page.locator('tr[data-issuer="ci"]');
    await expect.poll(() => row.textContent()).toContain("static JWKS");
    await screenshot(page, "oidc-issuers");
    await row.getByRole("link", { name: "ci" }).click();
    await page.waitForURL(/\/orgs\/acme\/oidc\/[0-9a-f-]+$/);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("ci");
    await noSeriousViolations(page, "oidc issuer");
  }, 30_000);

  it("shows the server's explanation for an ALLOW that pins nothing, then saves the pinned one", async () => {
    await page.getByRole("button", { name: "Add policy" }).click();
    const policy = page.getByRole("group", { name: "Policy 1" });
    await policy.getByLabel("Team", { exact: true }).fill("platform");
    await policy.getByLabel("Claim of rule 1").fill("ref");
    await policy.getByLabel("Pattern of rule 1").fill("refs/heads/main");
    await page.getByRole("button", { name: "Save policies" }).click();
    const refusal = page.getByRole("alert").filter({ hasText: /must pin/ });
    await expect
      .poll(() => refusal.textContent())
      .toMatch(/^Policy 1: an ALLOW policy must pin the repository or its owner: add a rule on/);
    await noSeriousViolations(page, "policy refused");
    await screenshot(page, "oidc-policy-refused");

    await policy.getByLabel("Claim of rule 1").fill("sub");
    await policy.getByLabel("Pattern of rule 1").fill("repo:acme/*");
    await page.getByRole("button", { name: "Save policies" }).click();
    await expect.poll(() => page.getByText("Policies saved: 1 policy.").count()).toBe(1);
    expect(await refusal.count()).toBe(0);
  }, 30_000);

  it("simulates a good JWT (allowed, and the token it would mint) and one for another audience", async () => {
    await page.getByLabel("JWT", { exact: true }).fill(await jwt());
    await page.getByLabel("Scope").fill("team:platform");
    await page.getByRole("button", { name: "Simulate exchange" }).click();
    const allowed = page.locator('[data-verdict="allowed"]');
    await expect
      .poll(() => allowed.textContent())
      .toContain("An exchange would mint a team token for team platform (none was minted)");
    expect(await allowed.textContent()).toContain("oidc-ci-xxxxxxxx");
    expect(await page.locator('[data-check="Signature"]').getAttribute("data-ok")).toBe("true");
    expect(await page.locator("[data-decision]").textContent()).toBe(
      "Policy 1: It matches and grants this token.",
    );
    await noSeriousViolations(page, "simulation allowed");
    await screenshot(page, "oidc-simulation-allowed");

    await page
      .getByLabel("JWT", { exact: true })
      .fill(await jwt({ aud: "urn:lapse:org:elsewhere" }));
    await page.getByRole("button", { name: "Simulate exchange" }).click();
    const refused = page.locator('[data-verdict="refused"]');
    await expect
      .poll(() => refused.textContent())
      .toContain(`The JWT was refused: its aud is not ${AUDIENCE}.`);
    expect(await page.locator('[data-check="Audience"]').getAttribute("data-ok")).toBe("false");
    expect(await page.locator('[data-check="Audience"]').textContent()).toContain(
      `Its aud is not ${AUDIENCE}.`,
    );
    await noSeriousViolations(page, "simulation refused");
    // Nothing was minted: the tokens of acme are still only the bootstrap token.
    const tokens = await lapse.gql<{ tokens: { totalCount: number } }>(
      `{ tokens(filter: { organization: "acme", kinds: [TEAM] }) { totalCount } }`,
    );
    expect(tokens.tokens.totalCount).toBe(0);
  }, 30_000);

  it("edits the issuer, then deletes it behind a confirmation", async () => {
    await page.getByRole("button", { name: "Edit issuer" }).click();
    await page.getByLabel("Name").fill("ci-renamed");
    await page.getByRole("button", { name: "Save issuer" }).click();
    await expect
      .poll(() => page.getByRole("heading", { level: 1 }).textContent())
      .toBe("ci-renamed");
    await expect.poll(() => page.getByText("Issuer ci-renamed saved.").count()).toBe(1);

    await page.getByRole("button", { name: "Delete issuer" }).click();
    const dialog = page.getByRole("alertdialog");
    await expect.poll(() => dialog.textContent()).toContain("Delete issuer ci-renamed?");
    await noSeriousViolations(page, "delete issuer dialog");
    await dialog.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(/\/orgs\/acme\/oidc$/);
    await expect.poll(() => page.getByText("Issuer ci-renamed deleted.").count()).toBe(1);
    expect(await page.locator("tr[data-issuer]").count()).toBe(0);
  }, 30_000);
});
