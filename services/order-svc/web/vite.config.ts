import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

import { vendorChunks } from "./build/chunks";
import { precompress, preloadFirstScreen } from "./build/plugins";

const BASE = "/workbench/";
const vendor = vendorChunks();

// Served by order-svc at /workbench, its bundles at /workbench/assets/. How it is split, and
// why: build/chunks.ts.
export default defineConfig({
  base: BASE,
  plugins: [react(), preloadFirstScreen(BASE), precompress()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 800,
    rollupOptions: {
      output: {
        manualChunks: (id, { getModuleIds, getModuleInfo }) =>
          vendor(id, {
            ids: getModuleIds,
            imports: (m) => getModuleInfo(m)?.importedIds ?? [],
            code: (m) => getModuleInfo(m)?.code ?? null,
            isEntry: (m) => getModuleInfo(m)?.isEntry ?? false,
          }),
      },
    },
  },
  test: { environment: "jsdom", globals: true, setupFiles: ["src/test/setup.ts"], testTimeout: 30_000 },
});
