import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";

import type { OrderView } from "../../api/types";
import { ActionPanel } from "./ActionPanel";

const base: OrderView = {
  id: "o1", order_no: "JD1", sku: "SKU1", category: "手机", customer_tier: "REGULAR", status: "PENDING_AUDIT",
  customer_phone: "138", quantity: 1, reason: "坏了", description: "屏幕", quality_issue: true,
};

function show(order: OrderView) {
  return render(
    <QueryClientProvider client={new QueryClient()}>
      <ActionPanel order={order} />
    </QueryClientProvider>,
  );
}

test("only the listed actions are offered", () => {
  show({ ...base, allowed_actions: ["AUDIT_APPROVE_RETURN", "AUDIT_REJECT", "ABANDON"] });
  expect(screen.getByTestId("action-AUDIT")).toBeTruthy();
  expect(screen.getByTestId("action-ABANDON")).toBeTruthy();
  expect(screen.queryByTestId("action-CLAIM")).toBeNull();
  expect(screen.getByTestId("actions").dataset.actions).toBe("AUDIT_APPROVE_RETURN,AUDIT_REJECT,ABANDON");
});

test("a locked order says why, and offers nothing when nothing is listed", () => {
  show({ ...base, status: "PENDING_PROCESS", locked: true, arbitration: { reason: "客户拒收" }, allowed_actions: [] });
  expect(screen.getByTestId("lock-reason").textContent).toContain("京东介入");
  expect(screen.getByText("当前无可执行操作")).toBeTruthy();
});
