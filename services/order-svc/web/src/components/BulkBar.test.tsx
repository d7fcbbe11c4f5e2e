import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { fireEvent, render, screen } from "@testing-library/react";

import { signIn, signOut } from "../auth/session";
import { BulkBar } from "./BulkBar";

afterEach(() => {
  vi.unstubAllGlobals();
  signOut();
});

test("each order of a batch by its order no., its new state and its refusal in words", async () => {
  vi.stubGlobal("fetch", async () => new Response(JSON.stringify({ results: [
    { id: "o1", ok: true, status: "REJECTED" },
    { id: "o2", ok: false, error: "invalid_transition", message: "PENDING_CLAIM" },
  ] }), { status: 200, headers: { "Content-Type": "application/json" } }));
  signIn(`h.${btoa(JSON.stringify({ sub: "s1", role: "seller_staff", seller_id: "s1" }))}.sig`);
  render(
    <QueryClientProvider client={new QueryClient()}>
      <BulkBar selected={["o1", "o2"]} names={{ o1: "DEMO-A-03", o2: "DEMO-A-01" }} onDone={() => undefined} />
    </QueryClientProvider>,
  );
  fireEvent.click(screen.getByTestId("batch-audit"));
  expect((await screen.findByTestId("result-o1")).textContent).toBe("DEMO-A-03: 成功 → 审核不通过");
  expect(screen.getByTestId("result-o2").textContent).toBe("DEMO-A-01: 未执行 — 服务单当前状态不允许该操作 (可能已被他人处理)：PENDING_CLAIM");
});
