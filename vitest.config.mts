import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: ["server/vitest.config.mts"],
    reporters: ["default", "./scripts/summary-reporter.mjs"],
  },
});
