// The console's tokens page with 10,000 tokens (BENCH_CONSOLE_TOKENS), in Debian's Chromium:
// how long the first page and each "Load more" take to show, and, with every token loaded,
// whether the one-second countdown keeps ticking without long tasks.
/* global document, window, MutationObserver -- used in functions that run in the page */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const TOKENS = Number(process.env.BENCH_CONSOLE_TOKENS ?? 10_000);
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const main = new URL("../server/dist/main.js", import.meta.url).pathname;

async function startLapse(dir) {
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      PORT: "0",
      DATABASE_URL: `sqlite:${path.join(dir, "lapse.sqlite")}`,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((resolve, reject) => {
    const read = (chunk) => {
      output += chunk;
      const token = /(lapse_pat_[0-9A-Za-z]{38})/.exec(output);
      const port = /localhost:(\d+)/.exec(output);
      if (token && port) resolve({ child, token: token[1], url: `http://127.0.0.1:${port[1]}` });
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.once("exit", (code) => reject(new Error(`Lapse exited with ${code}: ${output}`)));
  });
}

export async function measureConsole(log = console.error) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-console-bench-"));
  const lapse = await startLapse(dir);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const gql = async (query, variables) => {
      const response = await fetch(`${lapse.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${lapse.token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
    };
    // Most tokens far off; the first 20 within the hour, so their countdowns tick every second.
    const now = Date.now();
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < TOKENS; i = next++) {
        const minutes = i < 20 ? 30 + i : 60 * 24 * (10 + (i % 300));
        await gql(
          `mutation($n: String!, $e: DateTime) { createOrganizationToken(organization: "acme", name: $n, expiresAt: $e) { secret } }`,
          { n: `t-${i}`, e: new Date(now + minutes * 60_000).toISOString() },
        );
      }
    };
    const seedStarted = Date.now();
    await Promise.all(Array.from({ length: 8 }, worker));
    log(`created ${TOKENS} tokens in ${((Date.now() - seedStarted) / 1000).toFixed(0)} s`);

    const page = await (
      await browser.newContext({ viewport: { width: 1280, height: 800 } })
    ).newPage();
    await page.goto(`${lapse.url}/sign-in`);
    await page.getByLabel(/token/i).first().fill(lapse.token);
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/tokens/);

    const showing = page.getByText(/^Showing \d+ of \d+/);
    const shown = async () =>
      Number(/^Showing (\d+)/.exec((await showing.textContent()) ?? "")?.[1] ?? 0);
    let started = Date.now();
    await page.goto(`${lapse.url}/orgs/acme/tokens?kind=ORGANIZATION`);
    await showing.waitFor();
    const firstPageMs = Date.now() - started;
    const loads = [];
    while ((await page.getByRole("button", { name: "Load more" }).count()) > 0) {
      const before = await shown();
      started = Date.now();
      await page.getByRole("button", { name: "Load more" }).click();
      await page.waitForFunction(
        (n) => Number(/Showing (\d+)/.exec(document.body.innerText)?.[1] ?? 0) > n,
        before,
      );
      loads.push(Date.now() - started);
    }
    const rows = await page.locator("tr[data-token]").count();
    log(
      `first page ${firstPageMs} ms; ${loads.length} loads, last ${loads.at(-1)} ms; ${rows} rows`,
    );

    // Ten seconds with every row on screen: countdown ticks and long tasks.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('tr[data-token="t-0"]').waitFor();
    const idle = await page.evaluate(async () => {
      const longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) longTasks.push(entry.duration);
      }).observe({ type: "longtask", buffered: false });
      const cell = document.querySelector('tr[data-token="t-0"] [data-state]');
      const texts = new Set();
      const observer = new MutationObserver(() => texts.add(cell.textContent));
      observer.observe(cell, { subtree: true, characterData: true, childList: true });
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      observer.disconnect();
      return { ticks: texts.size, longTasks };
    });
    const result = {
      tokens: TOKENS,
      rows,
      firstPageMs,
      loadMoreFirstMs: loads[0],
      loadMoreLastMs: loads.at(-1),
      countdownTicksPerSecond: idle.ticks / 10,
      longTasksIn10s: idle.longTasks.length,
      longestTaskMs: Math.max(0, ...idle.longTasks),
    };
    log(JSON.stringify(result));
    return result;
  } finally {
    await browser.close();
    lapse.child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await measureConsole(), null, 2));
}
