// The build's two additions (vite.config.ts): index.html preloads the first screen's chunks,
// and every asset is written precompressed (.br, .gz) for order-svc to serve as it stands.

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

import type { Plugin } from "vite";

import { firstScreenFiles, type ChunkInfo } from "./chunks";

export function preloadFirstScreen(base: string): Plugin {
  return {
    name: "workbench-preload-first-screen",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, context) {
        const bundle = (context.bundle ?? {}) as Record<string, ChunkInfo>;
        return firstScreenFiles(bundle).map((file) => ({
          tag: "link",
          attrs: { rel: "modulepreload", crossorigin: true, href: base + file },
          injectTo: "head" as const,
        }));
      },
    },
  };
}

const COMPRESSIBLE = /\.(js|css|html|svg|json)$/;

export function precompress(): Plugin {
  return {
    name: "workbench-precompress",
    apply: "build",
    writeBundle(options, bundle) {
      const dir = options.dir ?? "dist";
      for (const file of Object.values(bundle)) {
        if (!COMPRESSIBLE.test(file.fileName)) continue;
        const data = Buffer.from(file.type === "chunk" ? file.code : file.source);
        if (data.length < 1024) continue;
        const path = join(dir, file.fileName);
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
        writeFileSync(`${path}.br`, brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
      }
    },
  };
}
