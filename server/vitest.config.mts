import swc from "unplugin-swc";
import { defineConfig } from "vitest/config";

export default defineConfig({
  // esbuild drops decorator metadata, which TypeORM and TypeGraphQL read; SWC keeps it.
  plugins: [
    swc.vite({
      jsc: {
        parser: { syntax: "typescript", decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: "es2022",
      },
    }),
  ],
  resolve: {
    // Vite would pick graphql's ESM build for our files while the libraries Node loads get the CJS one;
    // two copies of graphql cannot share a schema.
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: {
    name: "server",
    root: import.meta.dirname,
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["./test/global-setup.ts"],
    // TypeORM and TypeGraphQL read decorator metadata through this polyfill, as main.ts loads it.
    setupFiles: ["reflect-metadata"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
