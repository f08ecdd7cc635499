import { defineConfig } from "vitest/config";

/** Browser tests: the built server as a process, driven in Debian's Chromium by playwright-core. */
export default defineConfig({
  test: {
    name: "browser",
    root: import.meta.dirname,
    environment: "node",
    include: ["e2e/**/*.e2e.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
