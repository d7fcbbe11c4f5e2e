// The commands' names, as `allowed_actions` lists them and a seller reads them (English: en.ts).

import { english } from "./choice";
import type { Lang } from "./strings";

const names: Record<string, string> = {
  CLAIM: "领取",
  AUDIT_RESHIP: "不退货补发新品",
  AUDIT_APPROVE_RETURN: "同意客户发货",
  AUDIT_REQUEST_FEEDBACK: "待客户反馈",
  AUDIT_REJECT: "审核不通过",
  AUDIT_CUSTOMER_ABANDON: "客户放弃",
  REMIND_SHIP: "提醒发货",
  RECORD_SHIPMENT: "填写发运信息",
  REGISTER_RECEIPT: "收货",
  SET_RETURN_FREIGHT: "待返运费",
  PROCESS_REFUND: "退款",
  PROCESS_EXCHANGE: "换新",
  PROCESS_RETURN_ORIGINAL: "原返",
  PROCESS_OFFLINE_EXCHANGE: "线下换新",
  REOPEN: "取消暂完结",
  REPLY: "回复留言",
  MARK_RESOLVED: "已解决",
  OFFLINE_EXCHANGE_UNRESOLVED: "线下换新 (未解决)",
  ABANDON: "客户放弃",
  REQUEST_ARBITRATION: "申请京东介入",
  ASSIGN: "分配",
  APPLY: "申请售后",
  FEEDBACK: "客户反馈",
  LEAVE_MESSAGE: "客户留言",
  CONFIRM_RESOLVED: "客户确认解决",
  APPLY_RULING: "京东仲裁",
  RATE: "客户评价",
  AUTO_REFUND: "自动退款",
  FEEDBACK_TIMEOUT: "反馈超时关单",
  PRE_COMPENSATE: "先行赔付",
  PRE_COMPENSATION: "先行赔付",
  AUDIT_OVERDUE: "审核超时",
  PROCESS_OVERDUE: "处理超时",
  SHIP_REMINDER: "提醒客户发货",
  SELLER_RETURN_WARNING: "自动退款预警",
};

export function commandName(command: string, lang: Lang): string {
  const en = lang === "en" ? english() : undefined;
  return (en ? en.commands[command] : names[command]) ?? command;
}
