import { Descriptions } from "antd";

import type { OrderView } from "../api/types";
import { useT } from "../i18n/LangContext";
import { has } from "../i18n/strings";

/** Paid, refunded and each freight figure the view carries. */
export function MoneyPanel({ order }: { order: OrderView }) {
  const { t } = useT();
  const freight = Object.entries(order.freight ?? {}).filter(([, v]) => v !== null && v !== undefined);
  return (
    <Descriptions size="small" column={2} bordered data-testid="money">
      <Descriptions.Item label={t("paid")}>¥{order.paid_amount ?? order.paid ?? "-"}</Descriptions.Item>
      <Descriptions.Item label={t("refunded")}>¥{order.refund_amount ?? "0.00"}</Descriptions.Item>
      {order.shipment && (
        <Descriptions.Item label={t("trackingNo")}>
          {order.shipment.carrier} {order.shipment.tracking_no}
        </Descriptions.Item>
      )}
      {freight.map(([k, v]) => (
        <Descriptions.Item key={k} label={has(k) ? t(k) : k}>{has(String(v)) ? t(String(v) as never) : String(v)}</Descriptions.Item>
      ))}
    </Descriptions>
  );
}
