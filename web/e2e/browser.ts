import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";

/** Debian's Chromium: browser tests never download a browser. */
export const CHROMIUM = "/usr/bin/chromium";
const required = process.env.CI === "true" || process.env.LAPSE_REQUIRE_BROWSER === "1";
/** Whether a browser suite runs here: always in CI (where a missing Chromium fails it), else when installed. */
export const browserTestsRun = fs.existsSync(CHROMIUM) || required;
if (!fs.existsSync(CHROMIUM) && !required) {
  console.warn(
    `\n  ${CHROMIUM} is missing: browser tests are skipped (apt-get install chromium to run them).\n`,
  );
}

/** Screenshots kept by the browser tests (git-ignored). */
export const artifacts = path.resolve(import.meta.dirname, "../e2e-artifacts");

/**
 * Launches headless Chromium with the flags this closed network needs (no background connections).
 * Throws when Chromium is missing, which fails the suite in CI rather than skipping it.
 */
export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`CI requires Chromium at ${CHROMIUM}: apt-get install chromium.`);
  }
  fs.mkdirSync(artifacts, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** Fails when axe-core finds a serious or critical accessibility violation on the page. */
export async function noSeriousViolations(page: Page, name: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter(
    (v) => v.impact === "serious" || v.impact === "critical",
  );
  expect(serious.map((v) => `${name}: ${v.id} ${v.help}`)).toEqual([]);
}

/** Saves a screenshot of the page under e2e-artifacts/. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`) });
}

/** Signs `page` in to the console at `url` with a personal token, landing on acme's tokens. */
export async function signInWithToken(page: Page, url: string, secret: string): Promise<void> {
  await page.goto(`${url}/sign-in`);
  await page.getByLabel("Personal access token").fill(secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/orgs\/acme\/tokens/);
}
