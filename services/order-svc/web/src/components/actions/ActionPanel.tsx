import { Alert, Collapse, Empty } from "antd";

import type { OrderView } from "../../api/types";
import { commandName } from "../../i18n/commands";
import { useT } from "../../i18n/LangContext";
import { actionNames, AUDIT_RESULTS, SPECS, type ActionSpec, type AuditResult } from "../../lib/actionSpecs";
import { ActionForm } from "./ActionForm";
import { AuditForm } from "./AuditForm";

/** A locked order's receipt may not change the freight: that field is not offered. */
function specFor(order: OrderView, spec: ActionSpec): ActionSpec {
  if (!order.locked) return spec;
  return { ...spec, fields: spec.fields.filter((f) => f.name !== "freight") };
}

/** Only the actions `allowed_actions` lists, each with its form; a lock says why. */
export function ActionPanel({ order }: { order: OrderView }) {
  const { lang, t } = useT();
  const names = actionNames(order.allowed_actions);
  const audits = AUDIT_RESULTS.filter((r) => names.includes(`AUDIT_${r}`)) as AuditResult[];
  const others = names.flatMap((n) => { const spec = SPECS[n]; return spec ? [{ n, spec }] : []; });
  const items = [
    ...(audits.length > 0 ? [{ key: "AUDIT", label: <span data-testid="action-AUDIT">{t("AUDIT")}</span>, children: <AuditForm order={order} allowed={audits} /> }] : []),
    ...others.map(({ n, spec }) => ({ key: n, label: <span data-testid={`action-${n}`}>{commandName(n, lang)}</span>, children: <ActionForm order={order} command={n} spec={specFor(order, spec)} /> })),
  ];
  return (
    <div data-testid="actions" data-actions={names.join(",")}>
      {order.locked && (
        <Alert type="warning" showIcon data-testid="lock-reason"
          message={t("lockedWhy")}
          description={[order.arbitration?.reason, order.status === "AWAITING_RETURN" ? t("lockedReceipt") : null].filter(Boolean).join(" · ")} />
      )}
      {items.length === 0 ? <Empty description={t("noActions")} /> : <Collapse accordion items={items} defaultActiveKey={items.length === 1 && items[0] ? [items[0].key] : []} />}
    </div>
  );
}
