import { Radio, Space } from "antd";
import { Suspense, useState } from "react";

import { useCounts, useOrders } from "../api/hooks";
import type { ListFilters } from "../api/query";
import { useT } from "../i18n/LangContext";
import { countOf, type Node } from "../lib/nodes";
import { OrderTable } from "./OrderTable";
import { BulkPart } from "./parts";

interface Props {
  node: Node | null;
  extra?: ListFilters;
  now: Date;
  onOpen: (id: string) => void;
}

/** One node's orders, its sub-filters (客户已反馈, 已发货 …) and the bulk bar. */
export function NodeView({ node, extra, now, onOpen }: Props) {
  const { t } = useT();
  const counts = useCounts();
  const [sub, setSub] = useState("all");
  const [selected, setSelected] = useState<string[]>([]);
  const [bulk, setBulk] = useState(false); // the bulk bar, once a row was selected (it keeps its results)
  const select = (ids: string[]) => { setBulk(true); setSelected(ids); };
  const subFilters = node?.subs?.find((s) => s.key === sub)?.filters ?? {};
  const filters = { ...(node?.filters ?? {}), ...subFilters, ...(extra ?? {}) };
  const orders = useOrders(filters, node !== null || Object.keys(extra ?? {}).length > 0);
  const rows = orders.data?.items ?? [];
  const names = Object.fromEntries(rows.map((r) => [r.id, r.order_no]));
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {node?.subs && (
        <Radio.Group value={sub} onChange={(e) => setSub(String(e.target.value))} optionType="button">
          {node.subs.map((s) => {
            const n = s.count ? countOf(counts.data, s.count) : undefined;
            return (
              <Radio.Button key={s.key} value={s.key}>
                <span data-testid={`sub-${s.key}`}>
                  {t(s.label)}
                  {n !== undefined ? ` (${n})` : ""}
                </span>
              </Radio.Button>
            );
          })}
        </Radio.Group>
      )}
      {bulk && (
        <Suspense fallback={null}>
          <BulkPart.Component selected={selected} names={names} onDone={() => setSelected([])} />
        </Suspense>
      )}
      <OrderTable
        rows={rows}
        loading={orders.isFetching}
        now={now}
        selected={selected}
        onSelect={select}
        onOpen={onOpen}
      />
    </Space>
  );
}
