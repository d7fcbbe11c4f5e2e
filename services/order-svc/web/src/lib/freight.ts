// The freight legs of an order view (`freight.legs`), as the money panel's rows: each leg's
// amount, who pays it, what the customer paid and what was refunded to them, and when.

import type { FreightLeg } from "../api/types";
import { named, when, yuan, type T } from "./format";

export interface LegRow {
  key: string;
  leg: string;
  amount: string;
  paidBy: string;
  customerPaid: string;
  refunded: string;
  refundedAt: string;
}

/** One row a leg: an amount nobody set yet is "待确认", a return freight not refunded yet is
 * "未退还"; what a leg does not carry (the outbound leg's refund) is a dash. */
export function legRows(legs: FreightLeg[] | undefined, t: T): LegRow[] {
  return (legs ?? []).map((l, i) => ({
    key: `${l.leg}-${i}`,
    leg: named("leg_", l.leg, t),
    amount: l.amount === null || l.amount === undefined ? t("notSet") : yuan(l.amount),
    paidBy: named("", l.paid_by, t) || "—",
    customerPaid: yuan(l.customer_paid),
    refunded: l.refunded_at ? yuan(l.refunded_to_customer) : "refunded_to_customer" in l ? t("notRefunded") : "—",
    refundedAt: when(l.refunded_at),
  }));
}
