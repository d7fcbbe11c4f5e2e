// A history entry's `detail`, as a seller reads it. order-svc writes it as an English audit
// trail around what people typed ("APPROVE_RETURN: <opinion>", "<carrier> <no>, by customer",
// "REFUND <remark>" …); the entry's command is already shown in words, so the codes repeating
// it are dropped, the rest put in the seller's language. Text it does not know is shown as it
// is, its ISO times on the shop's clock.

import type { HistoryEntry } from "../api/types";
import { named, withTimes, yuan, type T } from "./format";

type Rule = [RegExp, (m: RegExpExecArray, t: T) => string];

const BY_COMMAND: Record<string, Rule[]> = {
  RECORD_SHIPMENT: [
    [/^(.*), by customer$/, (m) => m[1] ?? ""],
    [/^(.*), by seller on the customer's behalf$/, (m, t) => `${m[1] ?? ""} · ${t("onBehalf")}`],
  ],
  REMIND_SHIP: [[/^manual ship reminder$/, () => ""]],
  SET_RETURN_FREIGHT: [[/^return freight (\d+(?:\.\d+)?)$/, (m) => yuan(m[1])]],
  REOPEN: [[/^reopened (\w+)$/, (m, t) => `${t("outcome")}: ${named("outcome_", m[1], t)}`]],
  ASSIGN: [[/^assigned to (.+)$/, (m) => `→ ${m[1] ?? ""}`]],
  RATE: [[/^(\w+)$/, (m, t) => named("rating_", m[1], t)]],
  ABANDON: [[/^abandoned by the customer$/, () => ""]],
  OFFLINE_EXCHANGE_UNRESOLVED: [[/^offline exchange (.*)$/, (m) => m[1] ?? ""]],
  SHIP_REMINDER: [[/^automatic ship reminder (\d+)$/, (m) => `#${m[1] ?? ""}`]],
  SELLER_RETURN_WARNING: [[/^seller warned: .*$/, () => ""]],
};

/** The codes an audit or a processing entry starts with: the command's name says them. */
const LEADING_CODE: Record<string, RegExp> = {
  AUDIT_: /^[A-Z_]+: ?/,
  PROCESS_: /^[A-Z_]+(?: |$)/,
};

export function historyDetail(entry: Pick<HistoryEntry, "command" | "detail">, t: T): string {
  const text = (entry.detail ?? "").trim();
  if (!text) return "";
  for (const [re, show] of BY_COMMAND[entry.command] ?? []) {
    const m = re.exec(text);
    if (m) return show(m, t).trim();
  }
  for (const [prefix, code] of Object.entries(LEADING_CODE)) {
    if (entry.command.startsWith(prefix)) return withTimes(text.replace(code, "").trim());
  }
  return withTimes(text);
}
