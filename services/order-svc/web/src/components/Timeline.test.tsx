import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";

import type { HistoryEntry } from "../api/types";
import { Timeline } from "./Timeline";

const ENTRIES: HistoryEntry[] = [
  { at: "2026-12-02T13:28:03Z", actor_id: "demo-customer", actor_role: "customer", command: "APPLY", status_from: null, status_to: "PENDING_CLAIM" },
  { at: "2026-12-02T13:29:03Z", actor_id: "s1", actor_role: "seller_staff", command: "AUDIT_REQUEST_FEEDBACK", status_from: "PENDING_AUDIT", status_to: "AWAITING_FEEDBACK", detail: "REQUEST_FEEDBACK: 请补充照片" },
  { at: "2026-12-02T13:30:03Z", actor_id: "demo-customer", actor_role: "customer", command: "RECORD_SHIPMENT", status_from: "AWAITING_RETURN", status_to: "AWAITING_RETURN", detail: "顺丰 SF1, by customer" },
];

function show(before: number) {
  render(<QueryClientProvider client={new QueryClient()}><Timeline orderId="o1" latest={ENTRIES} before={before} /></QueryClientProvider>);
  return screen.getAllByTestId("history-entry").map((e) => e.textContent ?? "");
}

test("each entry in words: command, state, when on the shop's clock, who, and what was typed", () => {
  const shown = show(0);
  expect(shown[0]).toBe("申请售后 待领取2026-12-02 21:28 · 客户 demo-customer");
  expect(shown[1]).toBe("待客户反馈 待客户反馈2026-12-02 21:29 · 子账号 s1 · 请补充照片");
  expect(shown[2]).toBe("填写发运信息 待收货2026-12-02 21:30 · 客户 demo-customer · 顺丰 SF1");
  for (const text of shown) expect(text).not.toMatch(/T\d\d:|REQUEST_FEEDBACK|by customer|seller_staff/);
});

test("加载更多 only when older entries exist", () => {
  show(0);
  expect(screen.queryByTestId("history-more")).toBeNull();
});

test("older entries: 加载更多 is offered", () => {
  show(20);
  expect(screen.getByTestId("history-more")).toBeTruthy();
});
