import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

// Served by order-svc at /workbench, its bundles at /workbench/assets/.
export default defineConfig({
  base: "/workbench/",
  plugins: [react()],
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  test: { environment: "jsdom", globals: true, setupFiles: ["src/test/setup.ts"], testTimeout: 30_000 },
});
