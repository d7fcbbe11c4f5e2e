// A failed call, in words a seller understands (the server's own message kept after them;
// English: en.ts).

import { ApiError } from "../api/client";
import { english } from "./choice";
import type { Lang } from "./strings";

const byCode: Record<string, string> = {
  invalid_transition: "服务单当前状态不允许该操作 (可能已被他人处理)",
  locked: "该服务单已申请京东介入，仲裁结束前不能进行此操作",
  concurrent_modification: "该服务单刚被他人修改，请刷新后重试",
  conflict: "与现有记录冲突",
  not_found: "找不到该服务单，或它不属于您的店铺",
  forbidden: "您没有该操作的权限 (需主账号分配审核/处理权限)",
  invalid: "填写的内容有误",
};

const byStatus: Record<number, string> = {
  401: "登录已失效，请重新登录",
  403: "您没有该操作的权限 (需主账号分配审核/处理权限)",
  404: "找不到该记录，或它不属于您的店铺",
  409: "当前不允许该操作",
  422: "填写的内容有误",
};

export function sellerMessage(error: unknown, lang: Lang): string {
  const en = lang === "en" ? english() : undefined;
  if (error instanceof ApiError) {
    const words = en
      ? en.errorCodes[error.code] ?? en.errorStatuses[error.status] ?? "It failed"
      : byCode[error.code] ?? byStatus[error.status] ?? "操作失败";
    return error.message ? `${words}：${error.message}` : words;
  }
  return en ? "Network problem; try again" : "网络异常，请稍后重试";
}

/** Why one order of a batch was refused (its `error` code and the server's message). */
export function refusalMessage(code: string | undefined, message: string | undefined, lang: Lang): string {
  const en = lang === "en" ? english() : undefined;
  const words = code ? (en ? en.errorCodes[code] : byCode[code]) ?? code : "";
  return [words, message].filter(Boolean).join("：");
}
