import { render, screen } from "@testing-library/react";

import { useScreenfulFirst } from "./screenful";

function Rows({ n, first }: { n: number; first: number }) {
  const rows = useScreenfulFirst(Array.from({ length: n }, (_, i) => i), first);
  return <p data-testid="rows">{rows.length}</p>;
}

test("a screenful first, then every row once the browser has painted", async () => {
  render(<Rows n={50} first={20} />);
  expect(screen.getByTestId("rows").textContent).toBe("20");
  await vi.waitFor(() => expect(screen.getByTestId("rows").textContent).toBe("50"));
});

test("a short page is shown whole at once", () => {
  render(<Rows n={5} first={20} />);
  expect(screen.getByTestId("rows").textContent).toBe("5");
});
