import { useState } from "react";
import { Button, Timeline as AntTimeline, Typography } from "antd";

import { useHistory } from "../api/hooks";
import type { HistoryEntry } from "../api/types";
import { commandName } from "../i18n/commands";
import { useT } from "../i18n/LangContext";
import { has } from "../i18n/strings";

interface Props {
  orderId: string;
  latest: HistoryEntry[];
}

/** The view's latest entries; 加载更多 pages through all of it with `/history?cursor=`. */
export function Timeline({ orderId, latest }: Props) {
  const { lang, t } = useT();
  const [paging, setPaging] = useState(false);
  const pages = useHistory(orderId, paging);
  const entries = pages.data ? pages.data.pages.flatMap((p) => p.items) : latest;
  return (
    <div data-testid="timeline">
      <AntTimeline
        items={entries.map((e, i) => ({
          key: `${e.at}-${i}`,
          children: (
            <>
              <Typography.Text strong>{commandName(e.command, lang)}</Typography.Text>{" "}
              {has(e.status_to) ? t(e.status_to) : e.status_to}
              <br />
              <Typography.Text type="secondary">
                {new Date(e.at).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB")} · {e.actor_id}
                {e.detail ? ` · ${e.detail}` : ""}
              </Typography.Text>
            </>
          ),
        }))}
      />
      {(!paging || pages.hasNextPage) && (
        <Button size="small" data-testid="history-more" loading={pages.isFetching}
          onClick={() => (paging ? void pages.fetchNextPage() : setPaging(true))}>
          {t("more")}
        </Button>
      )}
    </div>
  );
}
