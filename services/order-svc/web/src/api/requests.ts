// The first screen's two reads (the badges, the first tab's page), named once: the hooks read
// them, and main.tsx starts them before the page's code has loaded (api/early.ts).

import { listQuery, type ListFilters } from "./query";

export const ORDERS = "/v1/service-orders";

export interface Request {
  key: readonly unknown[];
  path: string;
}

export const countsRequest: Request = { key: ["counts"], path: `${ORDERS}/counts` };

export function ordersRequest(filters: ListFilters): Request {
  return { key: ["orders", filters], path: ORDERS + listQuery({ limit: 50, ...filters }) };
}

/** A page or the badges read a moment ago (the early start, a tab just seen) is shown without a
 * second request; a command still refetches everything at once. */
export const FRESH_MS = 5_000;
