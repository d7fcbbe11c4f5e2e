// The commands' names, as `allowed_actions` lists them and a seller reads them.

import type { Lang } from "./strings";

const names: Record<string, [string, string]> = {
  CLAIM: ["领取", "Claim"],
  AUDIT_RESHIP: ["不退货补发新品", "Reship, keep goods"],
  AUDIT_APPROVE_RETURN: ["同意客户发货", "Approve return"],
  AUDIT_REQUEST_FEEDBACK: ["待客户反馈", "Ask for feedback"],
  AUDIT_REJECT: ["审核不通过", "Reject"],
  AUDIT_CUSTOMER_ABANDON: ["客户放弃", "Customer abandons"],
  REMIND_SHIP: ["提醒发货", "Remind to ship"],
  RECORD_SHIPMENT: ["填写发运信息", "Record shipment"],
  REGISTER_RECEIPT: ["收货", "Register receipt"],
  SET_RETURN_FREIGHT: ["待返运费", "Return freight"],
  PROCESS_REFUND: ["退款", "Refund"],
  PROCESS_EXCHANGE: ["换新", "Exchange"],
  PROCESS_RETURN_ORIGINAL: ["原返", "Return original"],
  PROCESS_OFFLINE_EXCHANGE: ["线下换新", "Offline exchange"],
  REOPEN: ["取消暂完结", "Reopen"],
  REPLY: ["回复留言", "Reply"],
  MARK_RESOLVED: ["已解决", "Mark resolved"],
  OFFLINE_EXCHANGE_UNRESOLVED: ["线下换新 (未解决)", "Offline exchange (unresolved)"],
  ABANDON: ["客户放弃", "Customer abandons"],
  REQUEST_ARBITRATION: ["申请京东介入", "Request arbitration"],
  ASSIGN: ["分配", "Assign"],
  APPLY: ["申请售后", "Apply"],
  FEEDBACK: ["客户反馈", "Feedback"],
  LEAVE_MESSAGE: ["客户留言", "Customer message"],
  CONFIRM_RESOLVED: ["客户确认解决", "Customer confirmed"],
  APPLY_RULING: ["京东仲裁", "Ruling"],
  RATE: ["客户评价", "Rating"],
  AUTO_REFUND: ["自动退款", "Auto refund"],
  FEEDBACK_TIMEOUT: ["反馈超时关单", "Feedback timeout"],
  PRE_COMPENSATE: ["先行赔付", "Pre-compensation"],
  PRE_COMPENSATION: ["先行赔付", "Pre-compensation"],
  AUDIT_OVERDUE: ["审核超时", "Audit overdue"],
  PROCESS_OVERDUE: ["处理超时", "Process overdue"],
  SHIP_REMINDER: ["提醒客户发货", "Ship reminder"],
  SELLER_RETURN_WARNING: ["自动退款预警", "Auto-refund warning"],
};

export function commandName(command: string, lang: Lang): string {
  const pair = names[command];
  return pair ? pair[lang === "zh" ? 0 : 1] : command;
}
