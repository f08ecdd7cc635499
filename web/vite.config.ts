import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const api = process.env.LAPSE_API ?? "http://localhost:4000";

export default defineConfig({
  plugins: [react()],
  server: { proxy: { "/graphql": api, "/api": api, "/healthz": api, "/readyz": api } },
  build: { outDir: "dist", sourcemap: true },
});
