import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["server/vitest.config.mts", "web/vitest.config.ts", "web/vitest.e2e.config.ts"],
    reporters: ["default", "./scripts/summary-reporter.mjs"],
  },
});
