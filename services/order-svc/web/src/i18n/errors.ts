// A failed call, in words a seller understands (the server's own message kept after them).

import { ApiError } from "../api/client";
import type { Lang } from "./strings";

const byCode: Record<string, [string, string]> = {
  invalid_transition: ["服务单当前状态不允许该操作 (可能已被他人处理)", "The order's state does not allow this now (someone may have acted on it)"],
  locked: ["该服务单已申请京东介入，仲裁结束前不能进行此操作", "Under platform arbitration: this is not allowed until the ruling"],
  concurrent_modification: ["该服务单刚被他人修改，请刷新后重试", "Someone changed this order just now; reload and try again"],
  conflict: ["与现有记录冲突", "This conflicts with what is already recorded"],
};

const byStatus: Record<number, [string, string]> = {
  401: ["登录已失效，请重新登录", "Your sign-in has expired; sign in again"],
  403: ["您没有该操作的权限 (需主账号分配审核/处理权限)", "You lack the permission for this (ask the main account)"],
  404: ["找不到该记录，或它不属于您的店铺", "Not found, or not your shop's"],
  409: ["当前不允许该操作", "This is not allowed now"],
  422: ["填写的内容有误", "Some of what you entered is not valid"],
};

export function sellerMessage(error: unknown, lang: Lang): string {
  const index = lang === "zh" ? 0 : 1;
  if (error instanceof ApiError) {
    const pair = byCode[error.code] ?? byStatus[error.status];
    const words = pair?.[index] ?? (lang === "zh" ? "操作失败" : "It failed");
    return error.message ? `${words}：${error.message}` : words;
  }
  return lang === "zh" ? "网络异常，请稍后重试" : "Network problem; try again";
}
