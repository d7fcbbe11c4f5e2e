import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";

import type { OrderView } from "../../api/types";
import { SPECS } from "../../lib/actionSpecs";
import { ActionForm } from "./ActionForm";

const order: OrderView = {
  id: "o1", order_no: "JD1", sku: "SKU1", category: "手机", customer_tier: "REGULAR", status: "PENDING_PROCESS",
  customer_phone: "138", quantity: 1, reason: "坏了", description: "屏幕", quality_issue: true, paid_amount: "199.00",
};

function show(command: string) {
  const spec = SPECS[command];
  if (!spec) throw new Error(`no form for ${command}`);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <ActionForm order={order} command={command} spec={spec} />
    </QueryClientProvider>,
  );
}

test("the refund is prefilled with the paid amount", () => {
  show("PROCESS_REFUND");
  expect((screen.getByTestId("field-amount") as HTMLInputElement).value).toBe("199.00");
});

test("a form sends what was typed to its command", async () => {
  const sent: { url: string; body: unknown }[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    sent.push({ url, body: JSON.parse(String(init.body)) });
    return new Response(JSON.stringify(order), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  show("REQUEST_ARBITRATION");
  fireEvent.change(screen.getByTestId("field-reason"), { target: { value: "客户寄回的商品不符" } });
  fireEvent.click(screen.getByTestId("submit-REQUEST_ARBITRATION"));
  await waitFor(() => expect(sent).toHaveLength(1));
  expect(sent[0]).toEqual({ url: "/v1/service-orders/o1/arbitration", body: { reason: "客户寄回的商品不符" } });
  vi.unstubAllGlobals();
});
