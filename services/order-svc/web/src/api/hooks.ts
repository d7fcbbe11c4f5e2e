// Server state through TanStack Query: each list, count and order is cached by its key and
// refetched after any command, so every tab's badge moves when an order moves.

import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { call } from "./client";
import type { ListFilters } from "./query";
import { countsRequest, FRESH_MS, ORDERS, ordersRequest } from "./requests";
import type { BatchResult, Counts, HistoryEntry, OrderRow, OrderView, Page } from "./types";

export function useCounts() {
  return useQuery({ queryKey: countsRequest.key, queryFn: () => call<Counts>(countsRequest.path), staleTime: FRESH_MS });
}

export function useOrders(filters: ListFilters, enabled = true) {
  const request = ordersRequest(filters);
  return useQuery({
    queryKey: request.key,
    queryFn: () => call<Page<OrderRow>>(request.path),
    enabled,
    staleTime: FRESH_MS,
  });
}

export function useOrder(id: string | null) {
  return useQuery({
    queryKey: ["order", id],
    queryFn: () => call<OrderView>(`${ORDERS}/${id ?? ""}`),
    enabled: id !== null,
  });
}

export function useHistory(id: string, enabled: boolean) {
  return useInfiniteQuery({
    enabled,
    queryKey: ["history", id],
    initialPageParam: "",
    queryFn: ({ pageParam }) =>
      call<Page<HistoryEntry>>(
        `${ORDERS}/${id}/history${pageParam ? `?cursor=${encodeURIComponent(pageParam)}` : ""}`,
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    retry: false,
  });
}

/** A command on one order or a batch; on success every order query is refetched. */
export function useCommand<T = OrderView>() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ path, method, body }: { path: string; method?: string; body?: unknown }) =>
      call<T>(path, { method: method ?? "POST", body }),
    // not awaited: the caller's own onSuccess (a form's reset) runs before the lists refetch
    onSuccess: () => {
      void client.invalidateQueries();
    },
  });
}

export type BatchAnswer = { results: BatchResult[] };
