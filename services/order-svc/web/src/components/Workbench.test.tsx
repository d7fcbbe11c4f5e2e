import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";

import { signIn, signOut } from "../auth/session";
import { Workbench } from "./Workbench";

const ROW = { id: "o1", order_no: "JD-LAZY-1", sku: "S", category: "手机", customer_tier: "GOLD", status: "PENDING_CLAIM" };
const VIEW = { ...ROW, customer_phone: "138", quantity: 1, reason: "坏了", description: "屏幕", quality_issue: true, allowed_actions: ["CLAIM"] };

beforeEach(() => {
  vi.stubGlobal("fetch", async (url: string) => {
    const body = url.includes("/counts") ? { by_status: { PENDING_CLAIM: 1 } }
      : url.includes("/service-orders/o1") ? VIEW
      : { items: [ROW] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  signIn(`h.${btoa(JSON.stringify({ sub: "s1", role: "seller_staff", seller_id: "s1" }))}.sig`);
});

afterEach(() => {
  vi.unstubAllGlobals();
  signOut();
});

test("the first tab's rows and badge; an order opens in the drawer, loaded at its first use", async () => {
  render(<QueryClientProvider client={new QueryClient()}><Workbench /></QueryClientProvider>);
  await waitFor(() => expect(screen.getByTestId("count-PENDING_CLAIM").textContent).toBe("1"));
  expect(screen.queryByTestId("order-detail")).toBeNull();
  fireEvent.click(await screen.findByText("JD-LAZY-1"));
  const detail = await screen.findByTestId("order-detail", {}, { timeout: 10_000 });
  expect(detail.dataset.status).toBe("PENDING_CLAIM");
  expect(screen.getByTestId("action-CLAIM")).toBeTruthy();
});

test("the drawer says an order's tier, outcome and ruling in words", async () => {
  vi.stubGlobal("fetch", async (url: string) => {
    const view = { ...VIEW, status: "COMPLETED", outcome: "REFUND", rating: "SATISFIED", allowed_actions: [],
      arbitration: { reason: "客户坚持退款", ruling: "REFUND", note: "支持客户" } };
    const body = url.includes("/counts") ? { by_status: { PENDING_CLAIM: 1 } } : url.includes("/service-orders/o1") ? view : { items: [ROW] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  render(<QueryClientProvider client={new QueryClient()}><Workbench /></QueryClientProvider>);
  fireEvent.click(await screen.findByText("JD-LAZY-1"));
  const detail = await screen.findByTestId("order-detail", {}, { timeout: 10_000 });
  expect(screen.getByTestId("detail-outcome").textContent).toBe("退款");
  expect(screen.getByTestId("detail-arbitration").textContent).toBe("客户坚持退款 · 退款 · 支持客户");
  expect(detail.textContent).toContain("金牌会员");
  expect(detail.textContent).toContain("满意");
  expect(detail.textContent).not.toMatch(/GOLD|SATISFIED|REFUND/);
});
