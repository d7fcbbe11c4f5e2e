import { Table, Tag } from "antd";
import type { ColumnsType } from "antd/es/table";

import type { OrderRow } from "../api/types";
import { useT } from "../i18n/LangContext";
import { has } from "../i18n/strings";
import { rowDeadlines } from "../lib/countdown";
import { named } from "../lib/format";
import { useScreenfulFirst } from "../lib/screenful";
import { Countdown } from "./Countdown";

interface Props {
  rows: OrderRow[];
  loading: boolean;
  now: Date;
  selected: string[];
  onSelect: (ids: string[]) => void;
  onOpen: (id: string) => void;
}

/** The orders of one tab: a row opens the order; the checkboxes feed the bulk bar. A
 * screenful of rows is painted first, the rest of the page right after (lib/screenful.ts). */
export function OrderTable({ rows, loading, now, selected, onSelect, onOpen }: Props) {
  const { t } = useT();
  const shown = useScreenfulFirst(rows);
  const columns: ColumnsType<OrderRow> = [
    { title: t("orderNo"), dataIndex: "order_no", render: (v: string, r) => (
      <a href={`#order-${r.id}`} onClick={(e) => { e.preventDefault(); onOpen(r.id); }}>{v}</a>
    ) },
    { title: t("sku"), dataIndex: "sku" },
    { title: t("category"), dataIndex: "category" },
    { title: t("tier"), dataIndex: "customer_tier", render: (v: string) => named("tier_", v, t) },
    { title: t("status"), dataIndex: "status", render: (v: string) => (has(v) ? t(v) : v) },
    { title: t("holder"), dataIndex: "assignee", render: (v?: string | null) => v ?? t("unassigned") },
    { title: t("lock"), dataIndex: "locked", render: (v?: boolean) => (v ? <Tag color="red">{t("locked")}</Tag> : null) },
    { title: t("nextDeadline"), key: "due", render: (_: unknown, r) => (r.locked ? t("suspended") : <Countdown deadlines={rowDeadlines(r)} now={now} />) },
  ];
  return (
    <Table<OrderRow>
      rowKey="id"
      size="small"
      columns={columns}
      dataSource={shown}
      loading={loading}
      pagination={false}
      rowSelection={{ selectedRowKeys: selected, onChange: (keys) => onSelect(keys.map(String)) }}
      onRow={(r) => ({ "data-order-no": r.order_no }) as React.HTMLAttributes<HTMLElement>}
    />
  );
}
