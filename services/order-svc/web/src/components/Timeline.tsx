import { useState } from "react";
import { Button, Tag, Timeline as AntTimeline, Typography } from "antd";

import { useHistory } from "../api/hooks";
import type { HistoryEntry } from "../api/types";
import { commandName } from "../i18n/commands";
import { useT } from "../i18n/LangContext";
import { has } from "../i18n/strings";
import { named, when } from "../lib/format";
import { historyDetail } from "../lib/historyDetail";

interface Props {
  orderId: string;
  latest: HistoryEntry[];
  /** How many entries came before `latest` (0: nothing more to load). */
  before: number;
}

/** The view's latest entries; 加载更多 pages through all of it with `/history?cursor=`. */
export function Timeline({ orderId, latest, before }: Props) {
  const { lang, t } = useT();
  const [paging, setPaging] = useState(false);
  const pages = useHistory(orderId, paging);
  const entries = pages.data ? pages.data.pages.flatMap((p) => p.items) : latest;
  const more = paging ? pages.hasNextPage : before > 0;
  return (
    <div data-testid="timeline">
      {entries.length === 0 && <Typography.Text type="secondary">{t("none")}</Typography.Text>}
      <AntTimeline
        items={entries.map((e, i) => {
          const detail = historyDetail(e, t);
          return {
            key: `${e.at}-${i}`,
            children: (
              <div data-testid="history-entry">
                <Typography.Text strong>{commandName(e.command, lang)}</Typography.Text>{" "}
                <Tag>{has(e.status_to) ? t(e.status_to) : e.status_to}</Tag>
                <br />
                <Typography.Text type="secondary">
                  {when(e.at)} · {named("role_", e.actor_role, t)}{e.actor_id !== e.actor_role ? ` ${e.actor_id}` : ""}
                  {detail ? ` · ${detail}` : ""}
                </Typography.Text>
              </div>
            ),
          };
        })}
      />
      {more && (
        <Button size="small" data-testid="history-more" loading={pages.isFetching}
          onClick={() => (paging ? void pages.fetchNextPage() : setPaging(true))}>
          {t("more")}
        </Button>
      )}
    </div>
  );
}
