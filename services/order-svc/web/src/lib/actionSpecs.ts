// Each command a seller may take, as a form: its fields, and the call it makes.

import type { Key } from "../i18n/strings";

export type FieldKind = "text" | "textarea" | "money" | "reason";

export interface Field {
  name: string;
  label: Key;
  kind: FieldKind;
  required?: boolean;
}

export interface ActionSpec {
  path: string;
  method?: "POST" | "PUT";
  fields: Field[];
  fixed?: Record<string, unknown>;
}

const remark: Field = { name: "remark", label: "remark", kind: "textarea" };
const tracking: Field = { name: "tracking_no", label: "trackingNo", kind: "text", required: true };
const carrier: Field = { name: "carrier", label: "carrier", kind: "text" };

export const SPECS: Record<string, ActionSpec> = {
  CLAIM: { path: "claim", fields: [] },
  REMIND_SHIP: { path: "ship-reminder", fields: [] },
  RECORD_SHIPMENT: {
    path: "shipment",
    fields: [
      { ...carrier, required: true }, tracking,
      { name: "freight", label: "freight", kind: "money" },
    ],
  },
  REGISTER_RECEIPT: {
    path: "receipt",
    fields: [{ name: "note", label: "note", kind: "textarea" }, { name: "freight", label: "freight", kind: "money" }],
  },
  SET_RETURN_FREIGHT: { path: "return-freight", method: "PUT", fields: [{ name: "amount", label: "amount", kind: "money", required: true }] },
  PROCESS_REFUND: {
    path: "process", fixed: { outcome: "REFUND" },
    fields: [{ name: "amount", label: "amount", kind: "money", required: true }, { name: "reason", label: "reason", kind: "reason", required: true }, remark],
  },
  PROCESS_EXCHANGE: { path: "process", fixed: { outcome: "EXCHANGE" }, fields: [{ name: "sku", label: "newSku", kind: "text", required: true }, remark] },
  PROCESS_RETURN_ORIGINAL: {
    path: "process", fixed: { outcome: "RETURN_ORIGINAL" },
    fields: [{ ...remark, required: true }, carrier, { name: "tracking_no", label: "trackingNo", kind: "text" }, { name: "freight", label: "freight", kind: "money" }],
  },
  PROCESS_OFFLINE_EXCHANGE: {
    path: "process", fixed: { outcome: "OFFLINE_EXCHANGE" },
    fields: [tracking, { ...remark, required: true }, carrier, { name: "freight", label: "freight", kind: "money" }],
  },
  REOPEN: { path: "reopen", fields: [] },
  REPLY: { path: "messages", fields: [{ name: "text", label: "text", kind: "textarea", required: true }] },
  MARK_RESOLVED: { path: "resolve", fields: [] },
  OFFLINE_EXCHANGE_UNRESOLVED: { path: "resolve", fixed: { offline_exchange: true }, fields: [tracking, remark] },
  ABANDON: { path: "abandon", fields: [{ name: "note", label: "consentNote", kind: "textarea", required: true }] },
  REQUEST_ARBITRATION: { path: "arbitration", fields: [{ name: "reason", label: "reason", kind: "textarea", required: true }] },
};

export const AUDIT_RESULTS = ["RESHIP", "APPROVE_RETURN", "REQUEST_FEEDBACK", "REJECT", "CUSTOMER_ABANDON"] as const;
export type AuditResult = (typeof AUDIT_RESULTS)[number];

export const DEFAULT_OPINIONS: Record<AuditResult, [string, string]> = {
  RESHIP: ["您好，经审核，我们将为您补发新品，无需退回原商品。", "We will send you a replacement; no need to return the item."],
  APPROVE_RETURN: ["您好，您的售后申请已审核通过，请您尽快将商品寄回并填写发运信息。", "Approved: please send the item back and fill in the shipment."],
  REQUEST_FEEDBACK: ["您好，请您补充商品问题的照片或说明，以便我们尽快处理。", "Please add photos or details so that we can help you."],
  REJECT: ["您好，经审核，您的申请不符合售后条件，如有疑问请联系客服。", "Your application does not qualify; contact us with any question."],
  CUSTOMER_ABANDON: ["您好，经与您沟通，您已同意放弃本次售后申请。", "As agreed with you, this application is withdrawn."],
};

export const REFUND_REASONS: Key[] = ["refundReasonQuality", "refundReasonWrong", "refundReasonMissing", "refundReasonOther"];

/** The names `allowed_actions` carries, whether plain strings or {command} objects. */
export function actionNames(allowed: (string | { command: string })[] | undefined): string[] {
  return (allowed ?? []).map((a) => (typeof a === "string" ? a : a.command));
}

/** A form's values as the command's body: empty optional values left out. */
export function bodyOf(spec: ActionSpec, values: Record<string, unknown>): Record<string, unknown> {
  const body: Record<string, unknown> = { ...(spec.fixed ?? {}) };
  for (const field of spec.fields) {
    const value = values[field.name];
    if (value !== undefined && value !== null && value !== "") body[field.name] = value;
  }
  return body;
}
