// How the build splits the page (vite.config.ts). The entry (main.tsx) stays tiny and starts
// the first screen's reads; boot.tsx is the first screen; what only later parts need sits in
// their own chunks (React.lazy, components/parts.ts); the libraries the first screen needs
// form one `vendor` chunk, whose name changes only when a dependency does (or the set of its
// exports the page's code imports), so a release of the page's own code mostly keeps it cached.
//
// The first screen's libraries are found by walking its static imports from boot.tsx. The
// `antd` barrel (antd/es/index.js) re-exports every component, so an import of it counts only
// for the components the importing module names (`import { Table, Tag } from "antd"`).

export interface Graph {
  ids: () => Iterable<string>;
  imports: (id: string) => readonly string[];
  code: (id: string) => string | null;
  isEntry: (id: string) => boolean;
}

const isApp = (id: string) => !id.includes("/node_modules/") && !id.startsWith("\0");
const isBarrel = (id: string) => /\/node_modules\/antd\/es\/index\.js$/.test(id);
export const isBoot = (id: string) => /\/src\/boot\.tsx$/.test(id);

/** The names a module imports from "antd": `import { Table, Tag as T } from "antd"`. */
export function antdNames(code: string): string[] {
  const names: string[] = [];
  for (const match of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*["']antd["']/g)) {
    for (const part of (match[1] ?? "").split(",")) {
      const name = part.trim().split(/\s+as\s+/)[0]?.trim();
      if (name && !name.startsWith("type ")) names.push(name);
    }
  }
  return names;
}

/** The barrel's component modules by exported name (`export { default as Table } from './table'`). */
export function barrelExports(code: string, imports: readonly string[]): Map<string, string> {
  const targets = new Map<string, string>();
  for (const match of code.matchAll(/export\s*\{\s*default as (\w+)\s*\}\s*from\s*'\.\/([\w-]+)'/g)) {
    const [, name, folder] = match;
    const target = imports.find((id) => id.endsWith(`/antd/es/${folder ?? ""}/index.js`));
    if (name && target) targets.set(name, target);
  }
  return targets;
}

/** Every module the roots import statically, through any chain (the barrel by name only). */
export function reachable(graph: Graph, isRoot: (id: string) => boolean): Set<string> {
  const seen = new Set<string>();
  const queue = [...graph.ids()].filter(isRoot);
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    for (const dep of graph.imports(id)) {
      if (!isBarrel(dep)) queue.push(dep);
      else {
        const exports = barrelExports(graph.code(dep) ?? "", graph.imports(dep));
        for (const name of antdNames(graph.code(id) ?? "")) {
          const target = exports.get(name);
          if (target) queue.push(target);
        }
      }
    }
  }
  return seen;
}

/** Vite's manualChunks: `vendor` for a library of the first screen that the entry does not
 * import (the entry must not wait for it), else Rollup's own choice (app code follows its
 * imports; a later part's libraries go with that part). */
export function vendorChunks(): (id: string, graph: Graph) => string | undefined {
  let first: Set<string> | undefined;
  let entry: Set<string> | undefined;
  return (id, graph) => {
    if (isApp(id) || isBarrel(id)) return undefined;
    first ??= reachable(graph, isBoot);
    entry ??= reachable(graph, graph.isEntry);
    return first.has(id) && !entry.has(id) ? "vendor" : undefined;
  };
}

export interface ChunkInfo {
  type: "chunk" | "asset";
  fileName: string;
  isEntry?: boolean;
  moduleIds?: string[];
  imports?: string[];
}

/** The first screen's chunk files (boot and what it imports, but the entry, which index.html
 * loads anyway), for index.html to preload while main.tsx runs. */
export function firstScreenFiles(bundle: Record<string, ChunkInfo>): string[] {
  const chunks = Object.values(bundle).filter((c) => c.type === "chunk");
  const boot = chunks.find((c) => (c.moduleIds ?? []).some(isBoot));
  const files: string[] = [];
  const visit = (name: string) => {
    if (files.includes(name) || bundle[name]?.isEntry) return;
    files.push(name);
    for (const dep of bundle[name]?.imports ?? []) visit(dep);
  };
  if (boot) visit(boot.fileName);
  return files;
}
