import { Alert, Card, Descriptions, List, Statistic, Table, Tag, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";

import { call } from "../api/client";
import { usePageConfig } from "../api/config";
import { currentClaims } from "../auth/session";
import { sellerMessage } from "../i18n/errors";
import { useT } from "../i18n/LangContext";
import { named, weekName, yuan } from "../lib/format";

interface Indicator { name: string; value: string | null; target: string; passed: boolean | null; weight: number }
interface Week { score: string | null; position: number | null; streak: number | null; indicators: Indicator[]; status?: string }
interface Scorecard { week: string; current: Week }
interface Penalties { items: { lines: { rule: string; orders: number; amount: string }[]; total: string }[] }

/** This week's scorecard (four indicators against targets, position, streak) and penalties. */
export function QualityPanel() {
  const { lang, t } = useT();
  const config = usePageConfig();
  const seller = currentClaims()?.seller_id ?? "";
  const base = config.data?.metrics_url ?? "";
  const ready = config.isSuccess && currentClaims()?.role === "seller_admin";
  const card = useQuery({ queryKey: ["scorecard", seller], enabled: ready,
    queryFn: () => call<Scorecard>(`/v1/sellers/${seller}/scorecard?history=1`, { base }) });
  const fines = useQuery({ queryKey: ["penalties", seller], enabled: ready,
    queryFn: () => call<Penalties>(`/v1/penalties?seller_id=${seller}`, { base }) });
  if (currentClaims()?.role !== "seller_admin") return <Alert type="info" message={t("qualityAdminOnly")} />;
  const week = card.data?.current;
  const lines = fines.data?.items.flatMap((i) => i.lines) ?? [];
  return (
    <Card title={<span data-week={card.data?.week ?? ""}>{t("quality")} {weekName(card.data?.week, lang)}</span>} data-testid="quality"
      extra={week && week.position === null ? <Typography.Text type="secondary" data-testid="quality-live">{t("position")} / {t("streak")}: {t("notRanked")}</Typography.Text> : null}>
      {(card.error ?? fines.error) && <Alert type="error" message={sellerMessage(card.error ?? fines.error, lang)} />}
      {week && (
        <>
          <Descriptions size="small">
            <Descriptions.Item label={t("score")}><span data-testid="quality-score"><Statistic value={week.score ?? "-"} /></span></Descriptions.Item>
            {/* null while the week is live: metrics-svc ranks a week when it closes */}
            <Descriptions.Item label={t("position")}><span data-testid="quality-position">{week.position ?? "-"}</span></Descriptions.Item>
            <Descriptions.Item label={t("streak")}><span data-testid="quality-streak">{week.streak ?? "-"}</span></Descriptions.Item>
          </Descriptions>
          <Table size="small" rowKey="name" pagination={false} dataSource={week.indicators} locale={{ emptyText: t("noData") }}
            columns={[
              { title: t("indicator"), dataIndex: "name", render: (n: string) => named("ind_", n, t) },
              { title: `${t("thisWeek")} %`, dataIndex: "value", render: (v: string | null) => v ?? "-" },
              { title: `${t("target")} %`, dataIndex: "target" },
              { title: "", dataIndex: "passed", render: (p: boolean | null) => (p === null ? <Typography.Text type="secondary">{t("noData")}</Typography.Text> : <Tag color={p ? "green" : "red"}>{p ? "✓" : "✗"}</Tag>) },
            ]} />
        </>
      )}
      <List size="small" header={t("penalties")} dataSource={lines} locale={{ emptyText: t("noPenalties") }}
        renderItem={(l) => <List.Item data-testid={`penalty-${l.rule}`}>{named("rule_", l.rule, t)} · {l.orders} {t("orders")} · {yuan(l.amount)}</List.Item>} />
    </Card>
  );
}
