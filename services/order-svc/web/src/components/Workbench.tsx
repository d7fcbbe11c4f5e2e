import { Tabs, Tag } from "antd";
import { useEffect, useState } from "react";

import { useCounts } from "../api/hooks";
import { currentClaims } from "../auth/session";
import { useT } from "../i18n/LangContext";
import { countOf, NODES } from "../lib/nodes";
import { NodeView } from "./NodeView";
import { OrderDetail } from "./OrderDetail";
import { QualityPanel } from "./QualityPanel";
import { SearchView } from "./SearchView";
import { StaffPanel } from "./StaffPanel";

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Every node on one page: a tab per node with its badge, search, staff and quality. */
export function Workbench() {
  const { t } = useT();
  const counts = useCounts();
  const now = useNow();
  const [open, setOpen] = useState<string | null>(null);
  const admin = currentClaims()?.role === "seller_admin";
  const label = (text: string, key: string, n: number | undefined) => (
    <span data-testid={`tab-${key}`}>
      {text} <Tag color="blue" data-testid={`count-${key}`}>{n ?? "–"}</Tag>
    </span>
  );
  const items = [
    ...NODES.map((node) => ({
      key: node.key,
      label: label(t(node.label), node.key, countOf(counts.data, node.count)),
      children: <NodeView node={node} now={now} onOpen={setOpen} />,
    })),
    { key: "all", label: <span data-testid="tab-all">{t("all")}</span>, children: <SearchView now={now} onOpen={setOpen} /> },
    ...(admin ? [{ key: "staff", label: <span data-testid="tab-staff">{t("staff")}</span>, children: <StaffPanel /> }] : []),
    { key: "quality", label: <span data-testid="tab-quality">{t("quality")}</span>, children: <QualityPanel /> },
  ];
  return (
    <>
      <Tabs items={items} destroyInactiveTabPane />
      <OrderDetail id={open} now={now} onClose={() => setOpen(null)} />
    </>
  );
}
