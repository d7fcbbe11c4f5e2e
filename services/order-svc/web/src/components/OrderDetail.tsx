import { Alert, Descriptions, Drawer, Spin, Tag, Typography } from "antd";

import { useOrder } from "../api/hooks";
import { sellerMessage } from "../i18n/errors";
import { useT } from "../i18n/LangContext";
import { has } from "../i18n/strings";
import { named } from "../lib/format";
import { ActionPanel } from "./actions/ActionPanel";
import { AuditImages } from "./AuditImages";
import { Countdown } from "./Countdown";
import { HandlingPanel, handled } from "./HandlingPanel";
import { MoneyPanel } from "./MoneyPanel";
import { Notes } from "./Notes";
import { Photos } from "./Photos";
import { Timeline } from "./Timeline";

interface Props {
  id: string | null;
  now: Date;
  onClose: () => void;
}

/** The order on the same page: facts, the customer's photos, money, images, notes, actions,
 * timeline. */
export function OrderDetail({ id, now, onClose }: Props) {
  const { lang, t } = useT();
  const query = useOrder(id);
  const order = query.data;
  return (
    <Drawer open={id !== null} onClose={onClose} width={720} title={t("detail")} destroyOnClose data-testid="detail">
      {query.error && <Alert type="error" message={sellerMessage(query.error, lang)} />}
      {!order ? <Spin /> : (
        <div data-testid="order-detail" data-status={order.status}>
          <Descriptions size="small" column={2}>
            <Descriptions.Item label={t("orderNo")}>{order.order_no}</Descriptions.Item>
            <Descriptions.Item label={t("status")}>
              <Tag data-testid="detail-status">{has(order.status) ? t(order.status) : order.status}</Tag>
              {order.locked && <Tag color="red">{t("locked")}</Tag>}
            </Descriptions.Item>
            <Descriptions.Item label={t("sku")}>{order.sku} × {order.quantity}</Descriptions.Item>
            <Descriptions.Item label={t("category")}>{order.category}</Descriptions.Item>
            <Descriptions.Item label={t("tier")}>{named("tier_", order.customer_tier, t)}</Descriptions.Item>
            <Descriptions.Item label={t("holder")}>{order.assignee ?? t("unassigned")}</Descriptions.Item>
            <Descriptions.Item label={t("phone")}>{order.customer_phone}</Descriptions.Item>
            <Descriptions.Item label={t("outcome")}>
              <span data-testid="detail-outcome">{named("outcome_", order.outcome, t) || t("none")}</span>
              {order.rating ? ` · ${named("rating_", order.rating, t)}` : ""}
            </Descriptions.Item>
            {order.arbitration && (
              <Descriptions.Item label={t("locked")} span={2}>
                <span data-testid="detail-arbitration">
                  {[order.arbitration.reason, named("outcome_", order.arbitration.ruling, t), order.arbitration.note].filter(Boolean).join(" · ")}
                </span>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t("reason")} span={2}>{[order.reason, order.description].filter(Boolean).join(" — ")}</Descriptions.Item>
            {(order.photos?.length ?? 0) > 0 && (
              <Descriptions.Item label={t("photos")} span={2}><Photos photos={order.photos ?? []} testId="detail-photos" /></Descriptions.Item>
            )}
            <Descriptions.Item label={t("nextDeadline")} span={2}>
              {order.locked ? t("suspended") : <Countdown deadlines={order.next_deadlines} now={now} />}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={5}>{t("actions")}</Typography.Title>
          <ActionPanel order={order} />
          <Typography.Title level={5}>{t("money")}</Typography.Title>
          <MoneyPanel order={order} />
          {handled(order) && (
            <>
              <Typography.Title level={5}>{t("handling")}</Typography.Title>
              <HandlingPanel order={order} />
            </>
          )}
          {order.audit && (
            <>
              <Typography.Title level={5}>{t("opinion")}</Typography.Title>
              <Typography.Paragraph>{order.audit.opinion}</Typography.Paragraph>
              {(order.audit.attachments?.length ?? 0) > 0 && <AuditImages orderId={order.id} attachments={order.audit.attachments ?? []} />}
            </>
          )}
          {(order.feedback?.length ?? 0) > 0 && (<><Typography.Title level={5}>{t("feedback")}</Typography.Title><Notes notes={order.feedback ?? []} testId="feedback" /></>)}
          {(order.messages?.length ?? 0) > 0 && (<><Typography.Title level={5}>{t("messages")}</Typography.Title><Notes notes={order.messages ?? []} testId="messages" /></>)}
          <Typography.Title level={5}>{t("timeline")}</Typography.Title>
          <Timeline orderId={order.id} latest={order.history ?? []} before={order.history_start ?? 0} />
        </div>
      )}
    </Drawer>
  );
}
