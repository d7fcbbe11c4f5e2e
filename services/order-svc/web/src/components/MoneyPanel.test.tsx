import { screen, within } from "@testing-library/react";

import type { OrderView } from "../api/types";
import { loadEnglish } from "../i18n/choice";
import type { Lang } from "../i18n/strings";
import { renderIn } from "../test/renderIn";
import { MoneyPanel } from "./MoneyPanel";

// DEMO-A-09 of the demo data, as order-svc's view has it: received, refunded, return freight back.
const REFUNDED: OrderView = {
  id: "o9", order_no: "DEMO-A-09", sku: "SKU-phones", category: "phones", customer_tier: "GOLD", status: "PROVISIONALLY_DONE",
  customer_phone: "13800138000", quantity: 1, reason: "质量问题", description: "屏幕有裂痕", quality_issue: true,
  paid_amount: "199.00", refund_amount: "199.00",
  refund: { amount: "199.00", reason: "质量问题", remark: "", at: "2026-12-02T13:28:03.827626Z" },
  shipment: { carrier: "顺丰", tracking_no: "SF0dfbdfd6", freight: "12.00", at: "2026-12-02T13:28:03.742673Z" },
  freight: {
    return_leg_payer: "SELLER", outbound_leg_payer: "SELLER", customer_paid: "12.00", return_freight: "12.00",
    return_freight_borne_by: "SELLER", return_freight_set: false, refunded: "12.00", refunded_at: "2026-12-02T13:28:03.827626Z",
    legs: [
      { leg: "RETURN", amount: "12.00", paid_by: "SELLER", customer_paid: "12.00", refunded_to_customer: "12.00", refunded_at: "2026-12-02T13:28:03.827626+00:00" },
      { leg: "OUTBOUND", amount: "0.00", paid_by: "SELLER" },
    ],
  },
};

function show(order: OrderView, lang: Lang = "zh") {
  return renderIn(<MoneyPanel order={order} />, lang);
}

function legCells(leg: string): string[] {
  const row = screen.getByTestId("freight-legs").querySelector(`tr[data-leg^="${leg}"]`);
  if (!row) throw new Error(`no ${leg} row`);
  return within(row as HTMLElement).getAllByRole("cell").map((c) => c.textContent ?? "");
}

test("each freight leg is a row of words and yuan; no object, code, flag or ISO time is shown", () => {
  show(REFUNDED);
  const text = screen.getByTestId("money").textContent ?? "";
  for (const raw of ["[object Object]", "legs", "return_freight_set", "false", "SELLER", "T13:28", "undefined", "null"]) {
    expect(text).not.toContain(raw);
  }
  expect(legCells("RETURN")).toEqual(["退货运费 (客户寄回)", "¥12.00", "卖家", "¥12.00", "¥12.00", "2026-12-02 21:28"]);
  expect(legCells("OUTBOUND")).toEqual(["发货运费 (寄给客户)", "¥0.00", "卖家", "—", "—", "—"]);
  expect(screen.getByTestId("money-refunded").textContent).toBe("¥199.00");
  expect(text).toContain("顺丰 SF0dfbdfd6 · 2026-12-02 21:28");
  expect(text).toContain("退款记录2026-12-02 21:28 · 质量问题");
});

test("before anything is set or refunded: 待确认 and 未退还, the paid amount in yuan", () => {
  show({ ...REFUNDED, refund_amount: "0.00", refund: null, shipment: null, freight: {
    legs: [{ leg: "RETURN", amount: null, paid_by: "SELLER", customer_paid: "0.00", refunded_to_customer: "0.00", refunded_at: null }],
  } });
  expect(legCells("RETURN")).toEqual(["退货运费 (客户寄回)", "待确认", "卖家", "¥0.00", "未退还", "—"]);
  expect(screen.getByTestId("money-refunded").textContent).toBe("¥0.00");
});

test("no legs: an empty state, not an empty table", () => {
  show({ ...REFUNDED, freight: undefined });
  expect(screen.getByText("暂无运费记录")).toBeTruthy();
});

test("in English, every header and value", async () => {
  await loadEnglish();
  show(REFUNDED, "en");
  const headers = [...screen.getByTestId("freight-legs").querySelectorAll("th")].map((h) => h.textContent);
  expect(headers).toEqual(["Freight", "Amount", "Paid by", "Customer paid", "Refunded to customer", "Refunded on"]);
  expect(legCells("RETURN")).toEqual(["Return (customer to shop)", "¥12.00", "Seller", "¥12.00", "¥12.00", "2026-12-02 21:28"]);
  // the page's own words are English; what people entered (质量问题, 顺丰) stays as they wrote it
  expect(screen.getByTestId("money").textContent).not.toMatch(/退货|发货|卖家|待确认|未退还|实付|已退款|退款时间|运单号/);
});
