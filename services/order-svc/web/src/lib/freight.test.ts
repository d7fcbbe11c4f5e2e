import { loadEnglish } from "../i18n/choice";
import { translate, type Key, type Lang } from "../i18n/strings";
import { legRows } from "./freight";

const words = (lang: Lang) => (key: Key) => translate(key, lang);

// As order-svc's view has them for a refunded order (DEMO-A-09 of the demo data).
const REFUNDED = [
  { leg: "RETURN", amount: "12.00", paid_by: "SELLER", customer_paid: "12.00", refunded_to_customer: "12.00", refunded_at: "2026-12-02T13:28:03.827626+00:00" },
  { leg: "OUTBOUND", amount: "0.00", paid_by: "SELLER" },
];

test("each leg: amount in yuan, who pays, what the customer paid and got back, and when", () => {
  const [back, out] = legRows(REFUNDED, words("zh"));
  expect(back).toMatchObject({
    leg: "退货运费 (客户寄回)", amount: "¥12.00", paidBy: "卖家", customerPaid: "¥12.00",
    refunded: "¥12.00", refundedAt: "2026-12-02 21:28",
  });
  expect(out).toMatchObject({ leg: "发货运费 (寄给客户)", amount: "¥0.00", paidBy: "卖家", customerPaid: "—", refunded: "—", refundedAt: "—" });
});

test("a return freight nobody set yet, and one not refunded yet, say so", () => {
  const [back] = legRows([{ leg: "RETURN", amount: null, paid_by: "PLATFORM", customer_paid: "0.00", refunded_to_customer: "0.00", refunded_at: null }], words("zh"));
  expect(back).toMatchObject({ amount: "待确认", paidBy: "平台", customerPaid: "¥0.00", refunded: "未退还", refundedAt: "—" });
});

test("in English", async () => {
  await loadEnglish();
  const [back, out] = legRows(REFUNDED, words("en"));
  expect(back).toMatchObject({ leg: "Return (customer to shop)", paidBy: "Seller", refunded: "¥12.00" });
  expect(out?.leg).toBe("Outbound (shop to customer)");
  expect(legRows([{ leg: "RETURN", amount: null, paid_by: "CUSTOMER", refunded_to_customer: "0.00", refunded_at: null }], words("en"))[0])
    .toMatchObject({ amount: "not set yet", paidBy: "Customer", refunded: "not refunded" });
});

test("no legs, no rows", () => {
  expect(legRows(undefined, words("zh"))).toEqual([]);
});
