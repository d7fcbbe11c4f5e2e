import { listQuery, searchFilters } from "./query";

test("a phone with or without +86 is searched as a phone", () => {
  expect(searchFilters("13800138000", "auto")).toEqual({ customer_phone: "13800138000" });
  expect(searchFilters("+86 138 0013 8000", "auto")).toEqual({ customer_phone: "+8613800138000" });
  expect(searchFilters("86-13800138000", "auto")).toEqual({ customer_phone: "8613800138000" });
});

test("anything else is an order no., unless a tracking no. is asked for", () => {
  expect(searchFilters("JD1001", "auto")).toEqual({ order_no: "JD1001" });
  expect(searchFilters("SF123", "tracking_no")).toEqual({ tracking_no: "SF123" });
  expect(searchFilters("  ", "auto")).toEqual({});
});

test("the list's query string leaves out what is unset", () => {
  expect(listQuery({ status: "AWAITING_RETURN", shipped: true, order_no: "" })).toBe("?status=AWAITING_RETURN&shipped=true");
  expect(listQuery({ due_within_hours: 24, sort: "due" })).toBe("?due_within_hours=24&sort=due");
  expect(listQuery({})).toBe("");
});
