import { Descriptions, Table } from "antd";

import type { OrderView } from "../api/types";
import { useT } from "../i18n/LangContext";
import { legRows, type LegRow } from "../lib/freight";
import { when, yuan } from "../lib/format";

/** Paid and refunded, the customer's return shipment, and each freight leg: its amount in
 * yuan, who pays it, what the customer paid and what was refunded to them, and when. */
export function MoneyPanel({ order }: { order: OrderView }) {
  const { t } = useT();
  const refund = order.refund;
  const rows = legRows(order.freight?.legs, t);
  return (
    <div data-testid="money">
      <Descriptions size="small" column={2} bordered>
        <Descriptions.Item label={t("paid")}>{yuan(order.paid_amount ?? order.paid)}</Descriptions.Item>
        <Descriptions.Item label={t("refunded")}>
          <span data-testid="money-refunded">{yuan(order.refund_amount ?? "0")}</span>
        </Descriptions.Item>
        {refund && (
          <Descriptions.Item label={t("refundRecord")} span={2}>
            {[when(refund.at), refund.reason, refund.remark].filter(Boolean).join(" · ")}
          </Descriptions.Item>
        )}
        {order.shipment && (
          <Descriptions.Item label={t("trackingNo")} span={2}>
            {order.shipment.carrier} {order.shipment.tracking_no} · {when(order.shipment.at)}
          </Descriptions.Item>
        )}
      </Descriptions>
      <Table<LegRow> size="small" rowKey="key" pagination={false} dataSource={rows} data-testid="freight-legs"
        locale={{ emptyText: t("noFreight") }}
        onRow={(r) => ({ "data-leg": r.key }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t("leg"), dataIndex: "leg" },
          { title: t("amount"), dataIndex: "amount" },
          { title: t("paidBy"), dataIndex: "paidBy" },
          { title: t("customerPaid"), dataIndex: "customerPaid" },
          { title: t("refundedToCustomer"), dataIndex: "refunded" },
          { title: t("refundedAt"), dataIndex: "refundedAt" },
        ]} />
    </div>
  );
}
