import { ApiError } from "../api/client";
import { loadEnglish } from "./choice";
import { sellerMessage } from "./errors";

test("the server's refusal in a seller's words, its own message after them", async () => {
  await loadEnglish();
  const locked = new ApiError(409, "locked", "order is locked");
  expect(sellerMessage(locked, "zh")).toBe("该服务单已申请京东介入，仲裁结束前不能进行此操作：order is locked");
  expect(sellerMessage(new ApiError(403, "forbidden", ""), "en")).toBe("You lack the permission for this (ask the main account)");
  expect(sellerMessage(new ApiError(409, "conflict", "a seller has at most 10 sub-accounts"), "zh")).toContain("10");
  expect(sellerMessage(new TypeError("fetch failed"), "zh")).toBe("网络异常，请稍后重试");
  expect(sellerMessage(new TypeError("fetch failed"), "en")).toBe("Network problem; try again");
});
