import { antdNames, barrelExports, firstScreenFiles, vendorChunks, type ChunkInfo, type Graph } from "./chunks";

const NM = "/w/node_modules";
const BARREL = `${NM}/antd/es/index.js`;
const modules: Record<string, { imports: string[]; code?: string; entry?: boolean }> = {
  "/w/index.html": { imports: ["/w/src/main.tsx"], entry: true },
  "/w/src/main.tsx": { imports: ["\0vite/preload-helper.js", "/w/src/api/early.ts"] },
  "/w/src/api/early.ts": { imports: [] },
  "\0vite/preload-helper.js": { imports: [] },
  "/w/src/boot.tsx": { imports: [`${NM}/react-dom/client.js`, "/w/src/App.tsx", "/w/src/api/early.ts"] },
  "/w/src/App.tsx": { imports: [BARREL, "\0vite/preload-helper.js"], code: 'import { Table, Tag as T } from "antd";' },
  "/w/src/OrderDetail.tsx": { imports: [BARREL], code: 'import { Drawer } from "antd";' },
  [BARREL]: {
    imports: [`${NM}/antd/es/table/index.js`, `${NM}/antd/es/tag/index.js`, `${NM}/antd/es/drawer/index.js`],
    code: "export { default as Drawer } from './drawer';\nexport { default as Table } from './table';\nexport { default as Tag } from './tag';",
  },
  [`${NM}/antd/es/table/index.js`]: { imports: [`${NM}/rc-table/es/index.js`] },
  [`${NM}/rc-table/es/index.js`]: { imports: [] },
  [`${NM}/antd/es/tag/index.js`]: { imports: [] },
  [`${NM}/antd/es/drawer/index.js`]: { imports: [`${NM}/rc-drawer/es/index.js`] },
  [`${NM}/rc-drawer/es/index.js`]: { imports: [] },
  [`${NM}/react-dom/client.js`]: { imports: [] },
};
const graph: Graph = {
  ids: () => Object.keys(modules),
  imports: (id) => modules[id]?.imports ?? [],
  code: (id) => modules[id]?.code ?? null,
  isEntry: (id) => modules[id]?.entry ?? false,
};

test("the names a module takes from the antd barrel, and where the barrel gets them", () => {
  expect(antdNames('import { Alert, Button as B } from "antd";\nimport x from "react";')).toEqual(["Alert", "Button"]);
  const exports = barrelExports(graph.code(BARREL) ?? "", graph.imports(BARREL));
  expect(exports.get("Table")).toBe(`${NM}/antd/es/table/index.js`);
});

test("vendor holds the first screen's libraries only: not a later part's, nor the entry's", () => {
  const chunk = vendorChunks();
  const of = (id: string) => chunk(id, graph);
  expect(of(`${NM}/react-dom/client.js`)).toBe("vendor");
  expect(of(`${NM}/antd/es/table/index.js`)).toBe("vendor");
  expect(of(`${NM}/rc-table/es/index.js`)).toBe("vendor");
  expect(of(`${NM}/antd/es/tag/index.js`)).toBe("vendor");
  expect(of(`${NM}/antd/es/drawer/index.js`)).toBeUndefined(); // only the lazy drawer names it
  expect(of(`${NM}/rc-drawer/es/index.js`)).toBeUndefined();
  expect(of("\0vite/preload-helper.js")).toBeUndefined(); // the entry needs it: it must not wait for vendor
  expect(of("/w/src/App.tsx")).toBeUndefined();
  expect(of(BARREL)).toBeUndefined();
});

test("index.html preloads boot and its imports, not the entry it loads anyway", () => {
  const bundle: Record<string, ChunkInfo> = {
    "assets/index-1.js": { type: "chunk", fileName: "assets/index-1.js", isEntry: true, moduleIds: ["/w/src/main.tsx"], imports: [] },
    "assets/boot-2.js": { type: "chunk", fileName: "assets/boot-2.js", moduleIds: ["/w/src/boot.tsx", "/w/src/App.tsx"], imports: ["assets/vendor-3.js", "assets/index-1.js"] },
    "assets/vendor-3.js": { type: "chunk", fileName: "assets/vendor-3.js", moduleIds: [], imports: [] },
    "assets/OrderDetail-4.js": { type: "chunk", fileName: "assets/OrderDetail-4.js", moduleIds: ["/w/src/OrderDetail.tsx"], imports: ["assets/vendor-3.js"] },
  };
  expect(firstScreenFiles(bundle)).toEqual(["assets/boot-2.js", "assets/vendor-3.js"]);
});
