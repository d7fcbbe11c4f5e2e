import { translate, type Key } from "../i18n/strings";
import { named, weekName, when, withTimes, yuan } from "./format";

const t = (key: Key) => translate(key, "zh");

test("amounts in yuan with two decimals; none is a dash, never ¥null", () => {
  expect(yuan("12")).toBe("¥12.00");
  expect(yuan("199.00")).toBe("¥199.00");
  expect(yuan(0)).toBe("¥0.00");
  expect(yuan(null)).toBe("—");
  expect(yuan(undefined)).toBe("—");
});

test("times on the shop's clock (Asia/Shanghai), not ISO", () => {
  expect(when("2026-12-02T13:28:03.827626Z")).toBe("2026-12-02 21:28");
  expect(when("2026-12-02T13:28:03.827626+00:00")).toBe("2026-12-02 21:28");
  expect(when(null)).toBe("—");
  expect(withTimes("AUDIT_DUE_SOON due at 2026-12-02T16:00:00+00:00")).toBe("AUDIT_DUE_SOON due at 2026-12-03 00:00");
});

test("codes in words, the code itself when the page has none", () => {
  expect(named("tier_", "GOLD", t)).toBe("金牌会员");
  expect(named("role_", "customer", t)).toBe("客户");
  expect(named("outcome_", "REFUND", t)).toBe("退款");
  expect(named("tier_", "MYSTERY", t)).toBe("MYSTERY");
  expect(named("outcome_", null, t)).toBe("");
});

test("ISO weeks in words", () => {
  expect(weekName("2026-W49", "zh")).toBe("2026年第49周");
  expect(weekName("2026-W05", "en")).toBe("week 5 of 2026");
  expect(weekName(undefined, "zh")).toBe("");
});
