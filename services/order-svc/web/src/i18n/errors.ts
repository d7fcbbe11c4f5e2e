// A failed call, in words a seller understands (the server's own message kept after them).

import { ApiError } from "../api/client";
import type { Lang } from "./strings";

const byStatus: Record<number, [string, string]> = {
  401: ["登录已失效，请重新登录", "Your sign-in has expired; sign in again"],
  403: ["您没有该操作的权限 (需主账号分配审核/处理权限)", "You lack the permission for this (ask the main account)"],
  404: ["找不到该服务单，或它不属于您的店铺", "Not found, or not your shop's"],
  409: ["服务单当前状态不允许该操作 (可能已被他人处理或已锁定)", "The order's state does not allow this now (someone acted, or it is locked)"],
  422: ["填写的内容有误", "Some of what you entered is not valid"],
};

export function sellerMessage(error: unknown, lang: Lang): string {
  const index = lang === "zh" ? 0 : 1;
  if (error instanceof ApiError) {
    const words = byStatus[error.status]?.[index] ?? (lang === "zh" ? "操作失败" : "It failed");
    return error.message ? `${words}：${error.message}` : words;
  }
  return lang === "zh" ? "网络异常，请稍后重试" : "Network problem; try again";
}
