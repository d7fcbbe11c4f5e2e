import { render, screen } from "@testing-library/react";
import { Suspense } from "react";

import { lazyPart } from "./lazyPart";

test("a part loads once, whether preloaded or first shown", async () => {
  let loads = 0;
  const part = lazyPart(async () => {
    loads += 1;
    return ({ who }: { who: string }) => <p>hello {who}</p>;
  });
  await part.preload();
  await part.preload();
  render(<Suspense fallback={<p>loading</p>}><part.Component who="seller" /></Suspense>);
  expect(await screen.findByText("hello seller")).toBeTruthy();
  expect(loads).toBe(1);
});

test("a failed load is tried again at the next use", async () => {
  let loads = 0;
  const part = lazyPart(async () => {
    loads += 1;
    if (loads === 1) throw new Error("network");
    return () => <p>shown</p>;
  });
  await expect(part.preload()).rejects.toThrow("network");
  render(<Suspense fallback={null}><part.Component /></Suspense>);
  expect(await screen.findByText("shown")).toBeTruthy();
  expect(loads).toBe(2);
});
