import { render, screen, within } from "@testing-library/react";

import type { OrderRow } from "../api/types";
import { OrderTable } from "./OrderTable";

// A list row as GET /v1/service-orders has it: its soonest deadline is `next_due`.
const ROW: OrderRow = {
  id: "o1", order_no: "DEMO-A-01", sku: "SKU-phones", category: "phones", customer_tier: "GOLD", status: "PENDING_CLAIM",
  assignee: null, locked: false, next_due: { kind: "AUDIT_OVERDUE", at: "2026-12-03T01:28:03.005000+00:00" },
};

test("a row: tier in words, and its deadline counting down from the list's next_due", () => {
  render(<OrderTable rows={[ROW]} loading={false} now={new Date("2026-12-02T13:30:00Z")} selected={[]} onSelect={() => undefined} onOpen={() => undefined} />);
  const row = screen.getByText("DEMO-A-01").closest("tr");
  if (!row) throw new Error("no row");
  const cells = within(row).getAllByRole("cell").map((c) => c.textContent);
  expect(cells.slice(1)).toEqual(["DEMO-A-01", "SKU-phones", "phones", "金牌会员", "待领取", "未领取", "", "审核超时 还剩 11小时58分"]);
});

test("a row without deadlines says none", () => {
  render(<OrderTable rows={[{ ...ROW, next_due: null }]} loading={false} now={new Date()} selected={[]} onSelect={() => undefined} onOpen={() => undefined} />);
  expect(screen.getByText("无")).toBeTruthy();
});

test("a locked row's timers are suspended, and it says so rather than none", () => {
  render(<OrderTable rows={[{ ...ROW, locked: true, next_due: null }]} loading={false} now={new Date()} selected={[]} onSelect={() => undefined} onOpen={() => undefined} />);
  expect(screen.getByText("仲裁期间计时暂停")).toBeTruthy();
  expect(screen.getByText("京东介入")).toBeTruthy();
});
