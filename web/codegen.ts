import type { CodegenConfig } from "@graphql-codegen/cli";

/** Typed documents for every operation in src/**.graphql, from the committed ../schema.graphql. */
const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: ["src/**/*.graphql"],
  generates: {
    "src/__generated__/operations.ts": {
      // typescript-operations 6 emits the enum and input types it needs itself; adding the
      // typescript plugin would declare them twice.
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: "string", JSONObject: "Record<string, unknown>" },
      },
    },
  },
};

export default config;
