import { translate, type Key } from "../i18n/strings";
import { historyDetail } from "./historyDetail";

const t = (key: Key) => translate(key, "zh");
const d = (command: string, detail: string) => historyDetail({ command, detail }, t);

test("the codes the command's name already says are dropped", () => {
  expect(d("AUDIT_REQUEST_FEEDBACK", "REQUEST_FEEDBACK: 请补充照片")).toBe("请补充照片");
  expect(d("AUDIT_APPROVE_RETURN", "APPROVE_RETURN: 同意，请寄回商品")).toBe("同意，请寄回商品");
  expect(d("PROCESS_REFUND", "REFUND")).toBe("");
  expect(d("PROCESS_RETURN_ORIGINAL", "RETURN_ORIGINAL 已寄回原商品")).toBe("已寄回原商品");
  expect(d("REMIND_SHIP", "manual ship reminder")).toBe("");
});

test("the English around what people typed is put in the seller's words", () => {
  expect(d("RECORD_SHIPMENT", "顺丰 SF0dfbdfd6, by customer")).toBe("顺丰 SF0dfbdfd6");
  expect(d("RECORD_SHIPMENT", "顺丰 SF1, by seller on the customer's behalf")).toBe("顺丰 SF1 · 卖家代客户填写");
  expect(d("SET_RETURN_FREIGHT", "return freight 12.00")).toBe("¥12.00");
  expect(d("RATE", "SATISFIED")).toBe("满意");
  expect(d("REOPEN", "reopened REFUND")).toBe("处理结果: 退款");
  expect(d("ASSIGN", "assigned to demo-shop-a-both")).toBe("→ demo-shop-a-both");
});

test("what people typed is kept; unknown text is kept with its times on the shop's clock", () => {
  expect(d("REGISTER_RECEIPT", "外包装完好")).toBe("外包装完好");
  expect(d("FEEDBACK", "")).toBe("");
  expect(d("AUDIT_OVERDUE", "x due at 2026-12-02T16:00:00+00:00")).toBe("x due at 2026-12-03 00:00");
});
