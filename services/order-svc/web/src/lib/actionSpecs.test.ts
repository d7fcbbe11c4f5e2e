import { actionNames, bodyOf, SPECS } from "./actionSpecs";
import { imageProblem, MAX_IMAGE_BYTES } from "./images";

test("allowed_actions as strings or objects", () => {
  expect(actionNames(["CLAIM", { command: "ABANDON" }])).toEqual(["CLAIM", "ABANDON"]);
  expect(actionNames(undefined)).toEqual([]);
});

test("a refund's body carries its outcome and leaves empty fields out", () => {
  const spec = SPECS.PROCESS_REFUND;
  expect(spec && bodyOf(spec, { amount: "99.00", reason: "商品质量问题", remark: "" })).toEqual({
    outcome: "REFUND", amount: "99.00", reason: "商品质量问题",
  });
});

test("every seller command of the seed has a form", () => {
  for (const name of ["CLAIM", "REMIND_SHIP", "RECORD_SHIPMENT", "REGISTER_RECEIPT", "SET_RETURN_FREIGHT",
    "PROCESS_REFUND", "PROCESS_EXCHANGE", "PROCESS_RETURN_ORIGINAL", "PROCESS_OFFLINE_EXCHANGE", "REOPEN",
    "REPLY", "MARK_RESOLVED", "OFFLINE_EXCHANGE_UNRESOLVED", "ABANDON", "REQUEST_ARBITRATION"]) {
    expect(SPECS[name]).toBeDefined();
  }
});

test("images: raster types under 800 KB only", () => {
  expect(imageProblem({ size: 1000, type: "image/png" })).toBeNull();
  expect(imageProblem({ size: MAX_IMAGE_BYTES, type: "image/png" })).toBe("size");
  expect(imageProblem({ size: 10, type: "application/pdf" })).toBe("type");
});
