import { Descriptions, Table } from "antd";

import type { ExchangeOrder, OrderView, Processing } from "../api/types";
import { useT } from "../i18n/LangContext";
import { named, type T, when, yuan } from "../lib/format";

/** What happened to the goods: the receipt note, the processing (outcome, remark, the parcel
 * back to the customer and its freight, who and when), the exchange or reship orders and
 * whether order management has shipped them, and why a customer gave up. Nothing when none. */
export function HandlingPanel({ order }: { order: OrderView }) {
  const { t } = useT();
  if (!handled(order)) return null;
  const exchanges = order.exchanges ?? [];
  return (
    <div data-testid="handling">
      <Descriptions size="small" column={2} bordered>
        {order.receipt_note && (
          <Descriptions.Item label={t("receiptNote")} span={2}>
            <span data-testid="handling-receipt">{order.receipt_note}</span>
          </Descriptions.Item>
        )}
        {order.processing && (
          <Descriptions.Item label={t("processing")} span={2}>
            <span data-testid="handling-processing">{processingText(order.processing, t)}</span>
          </Descriptions.Item>
        )}
        {order.abandon_note && (
          <Descriptions.Item label={t("abandonNote")} span={2}>{order.abandon_note}</Descriptions.Item>
        )}
      </Descriptions>
      {exchanges.length > 0 && <Exchanges rows={exchanges} />}
    </div>
  );
}

/** Whether the order has anything for the panel to show. */
export function handled(order: OrderView): boolean {
  return Boolean(order.receipt_note || order.processing || order.abandon_note || (order.exchanges?.length ?? 0) > 0);
}

/** The outcome in words, the remark, the parcel back and its freight, who and when. */
function processingText(p: Processing, t: T): string {
  const parcel = p.carrier ? `${p.carrier} ${p.tracking_no ?? ""}`.trim() : "";
  const freight = p.outbound_freight ? `${t("outboundFreight")} ${yuan(p.outbound_freight)}` : "";
  return [named("outcome_", p.outcome, t), p.remark, parcel, freight, `${t("handledBy")} ${p.by}`, when(p.at)]
    .filter(Boolean)
    .join(" · ");
}

function Exchanges({ rows }: { rows: ExchangeOrder[] }) {
  const { t } = useT();
  return (
    <Table<ExchangeOrder> size="small" rowKey="id" pagination={false} dataSource={rows} data-testid="handling-exchanges"
      title={() => t("exchangeOrders")}
      columns={[
        { title: t("orderNo"), dataIndex: "id" },
        { title: t("sku"), render: (_, x) => `${x.sku} × ${x.quantity}` },
        { title: t("amount"), render: (_, x) => yuan(x.amount) },
        { title: t("status"), render: (_, x) => (x.shipped_at
          ? `${t("exchangeShipped")} ${x.tracking_no ?? ""} · ${when(x.shipped_at)}`
          : `${t("exchangeWaiting")} · ${when(x.decided_at)}`) },
        { title: t("outboundFreight"), render: (_, x) => yuan(x.freight) },
      ]} />
  );
}
