import { screen, within } from "@testing-library/react";

import type { OrderView } from "../api/types";
import { loadEnglish } from "../i18n/choice";
import type { Lang } from "../i18n/strings";
import { renderIn } from "../test/renderIn";
import { HandlingPanel } from "./HandlingPanel";

// As order-svc's view has them: a received and refunded return, and a reship order.
const REFUNDED: OrderView = {
  id: "o9", order_no: "DEMO-A-09", sku: "SKU-phones", category: "phones", customer_tier: "GOLD", status: "PROVISIONALLY_DONE",
  customer_phone: "13800138000", quantity: 1, reason: "质量问题", description: "屏幕有裂痕", quality_issue: true,
  receipt_note: "外包装完好，屏幕碎裂",
  processing: { outcome: "REFUND", remark: "已退全款", carrier: null, tracking_no: null, outbound_freight: null,
    by: "staff-li", at: "2026-12-02T13:28:03.827626Z" },
  exchanges: [],
};
const RESHIPPED: OrderView = {
  ...REFUNDED, receipt_note: null, status: "PROVISIONALLY_DONE",
  processing: { outcome: "RETURN_ORIGINAL", remark: "", carrier: "顺丰", tracking_no: "SF123", outbound_freight: "15.00",
    by: "staff-li", at: "2026-12-02T13:28:03Z" },
  exchanges: [
    { id: "x-1", sku: "SKU-phones", quantity: 1, amount: "199.00", decided_at: "2026-12-01T02:00:00Z",
      shipped_at: "2026-12-01T10:30:00Z", tracking_no: "JD777", freight: "10.00" },
    { id: "x-2", sku: "SKU-case", quantity: 2, amount: "20.00", decided_at: "2026-12-02T02:00:00Z" },
  ],
};

function show(order: OrderView, lang: Lang = "zh") {
  return renderIn(<HandlingPanel order={order} />, lang);
}

function cells(id: string): string[] {
  const row = screen.getByTestId("handling-exchanges").querySelector(`tr[data-row-key="${id}"]`);
  if (!row) throw new Error(`no row ${id}`);
  return within(row as HTMLElement).getAllByRole("cell").map((c) => c.textContent ?? "");
}

test("the receipt note and the processing in words, on the shop's clock; no code, null or ISO time", () => {
  show(REFUNDED);
  expect(screen.getByTestId("handling-receipt").textContent).toBe("外包装完好，屏幕碎裂");
  expect(screen.getByTestId("handling-processing").textContent).toBe("退款 · 已退全款 · 经办人 staff-li · 2026-12-02 21:28");
  const text = screen.getByTestId("handling").textContent ?? "";
  for (const raw of ["REFUND", "null", "undefined", "T13:28", "[object Object]"]) expect(text).not.toContain(raw);
  expect(screen.queryByTestId("handling-exchanges")).toBeNull();
});

test("a return of the original shows the parcel and its freight; each exchange order whether it has shipped", () => {
  show(RESHIPPED);
  expect(screen.queryByTestId("handling-receipt")).toBeNull();
  expect(screen.getByTestId("handling-processing").textContent).toBe(
    "原返 · 顺丰 SF123 · 发货运费 ¥15.00 · 经办人 staff-li · 2026-12-02 21:28",
  );
  expect(cells("x-1")).toEqual(["x-1", "SKU-phones × 1", "¥199.00", "已发货 JD777 · 2026-12-01 18:30", "¥10.00"]);
  expect(cells("x-2")).toEqual(["x-2", "SKU-case × 2", "¥20.00", "待发货 · 2026-12-02 10:00", "—"]);
});

test("nothing handled yet: no panel at all", () => {
  const { container } = show({ ...REFUNDED, receipt_note: null, processing: null, exchanges: [] });
  expect(container.textContent).toBe("");
});

test("in English once the chunk is loaded", async () => {
  await loadEnglish();
  show(RESHIPPED, "en");
  expect(screen.getByTestId("handling-processing").textContent).toContain("Outbound freight ¥15.00 · By staff-li");
  expect(cells("x-2")[3]).toBe("Not shipped yet · 2026-12-02 10:00");
});
