import { remaining, rowDeadlines, soonest } from "./countdown";

const now = new Date("2026-12-01T00:00:00Z");

test("days and hours, as the seed writes them", () => {
  expect(remaining("2026-12-05T03:10:00Z", now, "zh")).toBe("还剩 4天3小时");
  expect(remaining("2026-12-05T03:10:00Z", now, "en")).toBe("4d 3h left");
});

test("hours and minutes within a day, minutes within an hour, due when past", () => {
  expect(remaining("2026-12-01T05:30:00Z", now, "zh")).toBe("还剩 5小时30分");
  expect(remaining("2026-12-01T00:07:00Z", now, "zh")).toBe("还剩 7分");
  expect(remaining("2026-11-30T00:00:00Z", now, "zh")).toBe("已到期");
});

test("the soonest of an order's deadlines", () => {
  expect(soonest({ AUTO_REFUND: "2026-12-10T00:00:00Z", AUDIT_OVERDUE: "2026-12-01T12:00:00Z" })).toEqual([
    "AUDIT_OVERDUE", "2026-12-01T12:00:00Z",
  ]);
  expect(soonest({})).toBeNull();
  expect(soonest(undefined)).toBeNull();
});

test("a list row's soonest deadline (next_due) counts down as the order view's do", () => {
  expect(rowDeadlines({ next_due: { kind: "AUDIT_OVERDUE", at: "2026-12-01T12:00:00Z" } })).toEqual({ AUDIT_OVERDUE: "2026-12-01T12:00:00Z" });
  expect(rowDeadlines({ next_deadlines: { AUTO_REFUND: "2026-12-10T00:00:00Z" } })).toEqual({ AUTO_REFUND: "2026-12-10T00:00:00Z" });
  expect(rowDeadlines({ next_due: null })).toBeUndefined();
});
