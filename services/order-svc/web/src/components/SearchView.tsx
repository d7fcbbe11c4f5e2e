import { Input, Select, Space } from "antd";
import { useState } from "react";

import { searchFilters, type ListFilters } from "../api/query";
import { useT } from "../i18n/LangContext";
import { NodeView } from "./NodeView";

type Kind = "auto" | "order_no" | "phone" | "tracking_no";

/** 全部/查询: every order, or those matching an order no., a phone (+86 or not), a tracking no. */
export function SearchView({ now, onOpen }: { now: Date; onOpen: (id: string) => void }) {
  const { t } = useT();
  const [kind, setKind] = useState<Kind>("auto");
  const [filters, setFilters] = useState<ListFilters>({ limit: 50 });
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space.Compact style={{ maxWidth: 640 }}>
        <Select<Kind> value={kind} onChange={setKind} style={{ width: 130 }}
          options={[{ value: "auto", label: t("everyOrder") }, { value: "order_no", label: t("orderNo") },
                    { value: "phone", label: t("phone") }, { value: "tracking_no", label: t("trackingNo") }]} />
        <Input.Search placeholder={t("searchHint")} enterButton={t("search")} data-testid="search"
          onSearch={(text) => setFilters({ limit: 50, ...searchFilters(text, kind) })} />
      </Space.Compact>
      <NodeView node={null} extra={filters} now={now} onOpen={onOpen} />
    </Space>
  );
}
