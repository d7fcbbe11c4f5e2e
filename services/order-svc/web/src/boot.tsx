// The workbench itself, loaded by main.tsx (index.html preloads this chunk and the vendor chunk
// while main.tsx starts the first screen's reads).

import { QueryClient } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { seedEarly, type Early } from "./api/early";
import { App } from "./App";

export function mount(root: HTMLElement, early: Early[]): void {
  const client = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });
  seedEarly(client, early);
  createRoot(root).render(
    <StrictMode>
      <App client={client} />
    </StrictMode>,
  );
}
