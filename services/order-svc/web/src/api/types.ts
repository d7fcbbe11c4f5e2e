// The shapes of order-svc's and metrics-svc's answers that the page reads.

export type Status =
  | "PENDING_CLAIM" | "PENDING_AUDIT" | "AWAITING_FEEDBACK" | "AWAITING_RETURN"
  | "PENDING_PROCESS" | "PROVISIONALLY_DONE" | "UNRESOLVED" | "COMPLETED"
  | "REJECTED" | "CANCELLED" | "CLOSED";

export interface OrderRow {
  id: string;
  order_no: string;
  sku: string;
  category: string;
  customer_tier: string;
  status: Status;
  assignee?: string | null;
  locked?: boolean;
  customer_responded?: boolean;
  next_deadlines?: Record<string, string>;
  /** A list row's soonest deadline (rows carry this, the order view `next_deadlines`). */
  next_due?: { kind: string; at: string } | null;
}

export interface Page<T> {
  items: T[];
  next_offset?: number | null;
  next_cursor?: string | null;
}

export interface HistoryEntry {
  at: string;
  actor_id: string;
  actor_role: string;
  command: string;
  status_from: string | null;
  status_to: string;
  detail?: string;
}

export interface Note {
  author_id: string;
  author_role: string;
  text: string;
  at: string;
  photos?: string[];
}

export interface Attachment {
  id: string;
  filename: string;
  content_type: string;
}

/** One leg of `freight.legs`: RETURN (customer to shop) or OUTBOUND (shop to customer). */
export interface FreightLeg {
  leg: string;
  amount?: string | null;
  paid_by?: string | null;
  customer_paid?: string | null;
  refunded_to_customer?: string | null;
  refunded_at?: string | null;
}

/** What the seller did with the goods: `processing` once processed (`outcome` its code). */
export interface Processing {
  outcome: string;
  remark?: string;
  carrier?: string | null;
  tracking_no?: string | null;
  outbound_freight?: string | null;
  by: string;
  at: string;
}

/** An exchange or reship order made for this one; order management ships it. */
export interface ExchangeOrder {
  id: string;
  sku: string;
  quantity: number;
  amount?: string | null;
  decided_at: string;
  shipped_at?: string | null;
  tracking_no?: string | null;
  freight?: string | null;
}

export interface OrderView extends OrderRow {
  customer_phone: string;
  quantity: number;
  paid_amount?: string;
  paid?: string;
  reason: string;
  description: string;
  photos?: string[];
  quality_issue: boolean;
  outcome?: string | null;
  refund_amount?: string;
  freight?: { legs?: FreightLeg[] } & Record<string, unknown>;
  shipment?: { carrier: string; tracking_no: string; freight?: string; at?: string } | null;
  refund?: { amount: string; reason: string; remark?: string; at: string } | null;
  ruling_refund?: { amount: string; reason: string; remark?: string; at: string } | null;
  rating?: string | null;
  receipt_note?: string | null;
  processing?: Processing | null;
  exchanges?: ExchangeOrder[];
  abandon_note?: string | null;
  audit?: { result: string; opinion: string; attachments?: Attachment[] } | null;
  feedback?: Note[];
  messages?: Note[];
  arbitration?: { reason: string; case_id?: string | null; ruling?: string | null; note?: string | null } | null;
  history?: HistoryEntry[];
  /** How many history entries came before `history[0]` (0: the view holds them all). */
  history_start?: number;
  allowed_actions?: (string | { command: string })[];
}

export type Counts = Record<string, number>;

export interface BatchResult {
  id: string;
  ok: boolean;
  status?: string;
  error?: string;
  message?: string;
  skipped?: boolean;
}

export interface StaffMember {
  staff_id: string;
  name: string;
  permissions: string[];
  categories: string[];
}

export interface DevAccount {
  id: string;
  role: string;
  label: string;
  seller_id: string | null;
  permissions: string[];
}
