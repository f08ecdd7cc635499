import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TestIdentityProvider } from "../../server/test/sso-provider";
import { browserTestsRun, launchChromium, noSeriousViolations, screenshot } from "./browser";
import { LapseProcess } from "./lapse-process";

/** A port nothing listens on now, so Lapse's public URL is known before it starts. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Single sign-on in Chromium: oidc-provider runs in this process on 127.0.0.1 (http is allowed for a
 * loopback issuer only), with its real login form; Lapse runs as the built server with token sign-in
 * turned off, so the page offers single sign-on alone.
 */
describe.runIf(browserTestsRun)("single sign-on in Chromium", () => {
  const idp = new TestIdentityProvider();
  let lapse: LapseProcess;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    await idp.start(`${publicUrl}/api/sso/callback`);
    lapse = new LapseProcess({
      PORT: String(port),
      LAPSE_PUBLIC_URL: publicUrl,
      LAPSE_SSO_ISSUER: idp.issuer,
      LAPSE_SSO_CLIENT_ID: idp.clientId,
      LAPSE_SSO_CLIENT_SECRET: idp.clientSecret,
      LAPSE_CONSOLE_TOKEN_SIGNIN: "false",
    });
    await lapse.start();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    // The provider's development pages import a web font; this closed network would only time out.
    await context.route(/^https:\/\/fonts\.googleapis\.com\//, (route) => route.abort());
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await lapse?.stop();
    await idp.stop();
  });

  it("signs the first-run admin in through the provider's login form and lands on the console", async () => {
    await page.goto(`${lapse.url}/sign-in`);
    const sso = page.getByRole("link", { name: "Sign in with SSO" });
    await sso.waitFor();
    expect(await page.getByLabel("Personal access token").count()).toBe(0);
    await noSeriousViolations(page, "sign-in-sso");
    await screenshot(page, "sign-in-sso");
    await sso.click();
    // The provider's own development login form: any password signs "admin" in there.
    await page.waitForURL(new RegExp(`^${idp.issuer}/interaction/`), { waitUntil: "commit" });
    await page.locator('input[name="login"]').fill("admin");
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click();
    await page.waitForURL(/\/orgs\/acme\/tokens/);
    await page.getByRole("button", { name: "Sign out" }).waitFor();
    // The provider's email is shown beside the login, never used to find the account.
    await expect
      .poll(() => page.locator(".signed-in-as").textContent())
      .toBe("admin (admin@idp.example)");
    await screenshot(page, "signed-in-by-sso");
    const stored = await page.evaluate(() => document.cookie);
    expect(stored).not.toContain("lapse_session");
  }, 60_000);

  it("signs out: sign-in says so, then offers single sign-on plainly on the next visit", async () => {
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in\?reason=/);
    expect(await page.getByRole("status").textContent()).toBe("You signed out.");
    await page.goto(`${lapse.url}/orgs/acme/tokens`);
    await page.waitForURL(/\/sign-in$/);
    await page.getByRole("link", { name: "Sign in with SSO" }).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
  }, 30_000);
});
