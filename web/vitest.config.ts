import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    name: "web",
    root: import.meta.dirname,
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["./src/test-setup.ts"],
    // Limits that bound a hang, never a measure of speed: rendering (and unmounting) 10,000 rows in
    // jsdom takes seconds when the machine is busy.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
