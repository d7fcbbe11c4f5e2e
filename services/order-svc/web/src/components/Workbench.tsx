import { useIsFetching } from "@tanstack/react-query";
import { Spin, Tabs, Tag } from "antd";
import { Suspense, useEffect, useState, type ReactNode } from "react";

import { useCounts } from "../api/hooks";
import { currentClaims } from "../auth/session";
import { useT } from "../i18n/LangContext";
import { whenIdle } from "../lib/lazyPart";
import { countOf, NODES } from "../lib/nodes";
import { NodeView } from "./NodeView";
import { OrderDetailPart, preloadParts, QualityPart, SearchPart, StaffPart } from "./parts";

function useNow(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** Once the first screen's data is in and shown, the other parts load while the seller reads.
 * A component of its own, so that each fetch's start and end re-renders only it. */
function PreloadWhenShown() {
  const counted = useCounts().isSuccess;
  const fetching = useIsFetching();
  const shown = counted && fetching === 0;
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!shown || done) return undefined;
    return whenIdle(() => { setDone(true); preloadParts(); });
  }, [shown, done]);
  return null;
}

const pane = (part: ReactNode) => <Suspense fallback={<Spin />}>{part}</Suspense>;

/** Every node on one page: a tab per node with its badge, search, staff and quality. */
export function Workbench() {
  const { t } = useT();
  const counts = useCounts();
  const now = useNow();
  const [open, setOpen] = useState<string | null>(null);
  const [opened, setOpened] = useState(false);
  const admin = currentClaims()?.role === "seller_admin";
  const show = (id: string) => { setOpened(true); setOpen(id); };
  const label = (text: string, key: string, n: number | undefined) => (
    <span data-testid={`tab-${key}`}>
      {text} <Tag color="blue" data-testid={`count-${key}`}>{n ?? "–"}</Tag>
    </span>
  );
  const items = [
    ...NODES.map((node) => ({
      key: node.key,
      label: label(t(node.label), node.key, countOf(counts.data, node.count)),
      children: <NodeView node={node} now={now} onOpen={show} />,
    })),
    { key: "all", label: <span data-testid="tab-all">{t("all")}</span>, children: pane(<SearchPart.Component now={now} onOpen={show} />) },
    ...(admin ? [{ key: "staff", label: <span data-testid="tab-staff">{t("staff")}</span>, children: pane(<StaffPart.Component />) }] : []),
    { key: "quality", label: <span data-testid="tab-quality">{t("quality")}</span>, children: pane(<QualityPart.Component />) },
  ];
  return (
    <>
      {/* a narrower gutter than antd's 32px: every tab, English ones too, fits at 1280px */}
      <Tabs items={items} destroyInactiveTabPane tabBarGutter={14} />
      <PreloadWhenShown />
      {opened && (
        <Suspense fallback={<Spin fullscreen />}>
          <OrderDetailPart.Component id={open} now={now} onClose={() => setOpen(null)} />
        </Suspense>
      )}
    </>
  );
}
