// Started by main.tsx as the page's first act, with the token of the address bar or the tab:
// the badges and the first tab's page are on their way while the browser loads the workbench's
// code, and the query client takes their answers in (seedEarly) instead of asking again.

import type { QueryClient } from "@tanstack/react-query";

import { currentToken } from "../auth/session";
import { NODES } from "../lib/nodes";
import { call } from "./client";
import { countsRequest, FRESH_MS, ordersRequest, type Request } from "./requests";

export interface Early {
  key: readonly unknown[];
  answer: Promise<unknown>;
}

/** The first screen's reads, started now; none without a token (the sign-in comes first). */
export function startFirstScreen(): Early[] {
  if (currentToken() === null) return [];
  const first = NODES[0];
  const requests: Request[] = first ? [countsRequest, ordersRequest(first.filters)] : [countsRequest];
  return requests.map((r) => {
    const answer = call<unknown>(r.path);
    answer.catch(() => undefined); // a refusal is the hook's to show: it asks again on mount
    return { key: r.key, answer };
  });
}

/** The early answers as the queries' own: a failed one is left for the hook to ask again. */
export function seedEarly(client: QueryClient, early: Early[]): void {
  for (const { key, answer } of early) {
    void client.prefetchQuery({ queryKey: key, queryFn: () => answer, retry: false, staleTime: FRESH_MS });
  }
}
