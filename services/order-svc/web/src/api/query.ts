// Query strings for the order list: one tab or search is one set of filters.

export interface ListFilters {
  status?: string;
  customer_responded?: boolean;
  shipped?: boolean;
  locked?: boolean;
  due_within_hours?: number;
  sort?: "due";
  order_no?: string;
  customer_phone?: string;
  tracking_no?: string;
  offset?: number;
  limit?: number;
}

export function listQuery(filters: ListFilters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) {
    if (value !== undefined && value !== "") params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

const PHONE = /^(\+?86)?\s*-?\s*1\d{10}$/;

/** What the search box holds: a phone (with or without +86), else an order or tracking no. */
export function searchFilters(text: string, kind: "auto" | "order_no" | "phone" | "tracking_no"): ListFilters {
  const value = text.trim();
  if (!value) return {};
  if (kind === "phone" || (kind === "auto" && PHONE.test(value.replace(/\s/g, "")))) {
    return { customer_phone: value.replace(/\s|-/g, "") };
  }
  if (kind === "tracking_no") return { tracking_no: value };
  return { order_no: value };
}
