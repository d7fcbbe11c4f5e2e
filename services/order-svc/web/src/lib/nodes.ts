// The workbench's tabs: the nodes of the seed, each a set of list filters and a badge.

import type { ListFilters } from "../api/query";
import type { Key } from "../i18n/strings";

export interface Node {
  key: string;
  label: Key;
  filters: ListFilters;
  count: string;
  subs?: { key: string; label: Key; filters: ListFilters; count?: string }[];
}

export const NODES: Node[] = [
  { key: "PENDING_CLAIM", label: "PENDING_CLAIM", filters: { status: "PENDING_CLAIM" }, count: "PENDING_CLAIM" },
  {
    key: "PENDING_AUDIT", label: "PENDING_AUDIT", filters: { status: "PENDING_AUDIT" }, count: "PENDING_AUDIT",
    subs: [
      { key: "all", label: "everyOrder", filters: {} },
      { key: "responded", label: "customerResponded", filters: { customer_responded: true }, count: "customer_responded" },
    ],
  },
  {
    key: "AWAITING_RETURN", label: "AWAITING_RETURN", filters: { status: "AWAITING_RETURN" }, count: "AWAITING_RETURN",
    subs: [
      { key: "all", label: "everyOrder", filters: {} },
      { key: "not-shipped", label: "notShipped", filters: { shipped: false } },
      { key: "shipped", label: "shipped", filters: { shipped: true }, count: "shipped" },
    ],
  },
  { key: "PENDING_PROCESS", label: "PENDING_PROCESS", filters: { status: "PENDING_PROCESS" }, count: "PENDING_PROCESS" },
  { key: "PROVISIONALLY_DONE", label: "PROVISIONALLY_DONE", filters: { status: "PROVISIONALLY_DONE" }, count: "PROVISIONALLY_DONE" },
  { key: "UNRESOLVED", label: "UNRESOLVED", filters: { status: "UNRESOLVED" }, count: "UNRESOLVED" },
  { key: "due24", label: "due24", filters: { due_within_hours: 24, sort: "due" }, count: "due_within_24h" },
];

type CountsShape = Record<string, unknown>;

/** A badge's number, whether the counts are flat or grouped (`by_status`, `statuses`). */
export function countOf(counts: CountsShape | undefined, key: string): number | undefined {
  if (!counts) return undefined;
  for (const group of [counts, counts.by_status, counts.statuses, counts.states]) {
    if (group && typeof group === "object") {
      const value = (group as CountsShape)[key];
      if (typeof value === "number") return value;
    }
  }
  return undefined;
}
