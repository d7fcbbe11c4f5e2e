import { List, Typography } from "antd";

import type { Note } from "../api/types";
import { useT } from "../i18n/LangContext";

/** The customer's feedback or the messages, oldest first. */
export function Notes({ notes, testId }: { notes: Note[]; testId: string }) {
  const { lang } = useT();
  return (
    <List size="small" dataSource={notes} data-testid={testId}
      renderItem={(n) => (
        <List.Item>
          <Typography.Text>{n.text}</Typography.Text>{" "}
          <Typography.Text type="secondary">
            {n.author_role} · {new Date(n.at).toLocaleString(lang === "zh" ? "zh-CN" : "en-GB")}
          </Typography.Text>
        </List.Item>
      )} />
  );
}
