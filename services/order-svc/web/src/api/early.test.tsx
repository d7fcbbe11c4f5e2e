import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";

import { signIn, signOut } from "../auth/session";
import { NodeView } from "../components/NodeView";
import { NODES } from "../lib/nodes";
import { seedEarly, startFirstScreen } from "./early";

const ROW = { id: "o1", order_no: "JD-EARLY-1", sku: "S", category: "手机", customer_tier: "GOLD", status: "PENDING_CLAIM" };

function answering(asked: string[]) {
  return async (url: string) => {
    asked.push(url);
    const body = url.includes("/counts") ? { by_status: { PENDING_CLAIM: 1 } } : { items: [ROW] };
    return new Response(JSON.stringify(body), { status: 200, headers: { "Content-Type": "application/json" } });
  };
}

afterEach(() => {
  vi.unstubAllGlobals();
  signOut();
});

test("no token, no early reads (the sign-in comes first)", () => {
  const asked: string[] = [];
  vi.stubGlobal("fetch", answering(asked));
  expect(startFirstScreen()).toEqual([]);
  expect(asked).toEqual([]);
});

test("the early reads are the first tab's: it shows them without asking again", async () => {
  const asked: string[] = [];
  vi.stubGlobal("fetch", answering(asked));
  signIn("header.eyJzdWIiOiJzIiwicm9sZSI6InNlbGxlcl9hZG1pbiJ9.sig");
  const early = startFirstScreen();
  expect(asked).toEqual(["/v1/service-orders/counts", "/v1/service-orders?limit=50&status=PENDING_CLAIM"]);
  const client = new QueryClient();
  seedEarly(client, early);
  const first = NODES[0];
  if (!first) throw new Error("no first tab");
  render(
    <QueryClientProvider client={client}>
      <NodeView node={first} now={new Date("2026-12-01T00:00:00Z")} onOpen={() => undefined} />
    </QueryClientProvider>,
  );
  expect(await screen.findByText("JD-EARLY-1")).toBeTruthy();
  expect(asked).toHaveLength(2); // the hooks took the early answers in
});

test("a refused early read is asked again by the hook", async () => {
  const asked: string[] = [];
  vi.stubGlobal("fetch", async (url: string) => {
    asked.push(url);
    if (asked.length <= 2) return new Response("{}", { status: 503 });
    return answering([])(url);
  });
  signIn("header.eyJzdWIiOiJzIiwicm9sZSI6InNlbGxlcl9hZG1pbiJ9.sig");
  const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  seedEarly(client, startFirstScreen());
  await new Promise((resolve) => setTimeout(resolve, 0));
  const first = NODES[0];
  if (!first) throw new Error("no first tab");
  render(
    <QueryClientProvider client={client}>
      <NodeView node={first} now={new Date("2026-12-01T00:00:00Z")} onOpen={() => undefined} />
    </QueryClientProvider>,
  );
  expect(await screen.findByText("JD-EARLY-1")).toBeTruthy();
  expect(asked.length).toBeGreaterThan(2);
});
