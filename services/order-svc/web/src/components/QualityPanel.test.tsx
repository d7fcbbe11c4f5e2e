import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen, within } from "@testing-library/react";

import { signIn, signOut } from "../auth/session";
import { QualityPanel } from "./QualityPanel";

const indicator = (name: string, value: string | null, target: string, passed: boolean | null) =>
  ({ name, value, target, passed, weight: 25 });

function answering(current: Record<string, unknown>) {
  return async (url: string) => {
    const body = url.endsWith("config.json") ? { metrics_url: "http://metrics", development: false }
      : url.includes("/scorecard") ? { week: "2026-W49", current }
      : { items: [{ lines: [{ rule: "UNAUDITED_12H", orders: 1, amount: "0.00" }], total: "0.00" }] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  };
}

function show() {
  signIn(`h.${btoa(JSON.stringify({ sub: "s1", role: "seller_admin", seller_id: "s1" }))}.sig`);
  render(<QueryClientProvider client={new QueryClient()}><QualityPanel /></QueryClientProvider>);
}

afterEach(() => {
  vi.unstubAllGlobals();
  signOut();
});

test("the week's indicators against their targets, and its penalty lines", async () => {
  vi.stubGlobal("fetch", answering({
    score: "62.50", position: 3, streak: 2,
    indicators: [indicator("audit_within_12h", "50.00", "95.00", false), indicator("satisfaction", null, "85.00", null)],
  }));
  show();
  expect((await screen.findByTestId("quality-position")).textContent).toBe("3");
  expect(screen.getByTestId("quality-streak").textContent).toBe("2");
  const row = screen.getByText("12小时审核率").closest("tr");
  if (!row) throw new Error("no indicator row");
  expect(within(row).getByText("50.00")).toBeTruthy();
  expect(within(row).getByText("✗")).toBeTruthy();
  expect(screen.getByTestId("penalty-UNAUDITED_12H").textContent).toBe("超12小时未审核 · 1 单 · ¥0.00");
  expect(document.querySelector("[data-week='2026-W49']")?.textContent).toBe("本周服务质量 2026年第49周");
  expect(screen.getByText("客户满意度")).toBeTruthy();
  expect(screen.queryByText("audit_within_12h")).toBeNull();
});

test("a live week is not ranked yet: no position and no streak, not a zero", async () => {
  vi.stubGlobal("fetch", answering({ score: null, position: null, streak: null, indicators: [], status: "live" }));
  show();
  expect((await screen.findByTestId("quality-position")).textContent).toBe("-");
  expect(screen.getByTestId("quality-streak").textContent).toBe("-");
  expect(screen.getByTestId("quality-live").textContent).toContain("周结算后公布");
});
