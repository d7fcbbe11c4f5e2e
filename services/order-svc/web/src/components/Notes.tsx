import { List, Typography } from "antd";

import type { Note } from "../api/types";
import { useT } from "../i18n/LangContext";
import { named, when } from "../lib/format";

/** The customer's feedback or the messages, oldest first: who wrote it (in words) and when. */
export function Notes({ notes, testId }: { notes: Note[]; testId: string }) {
  const { t } = useT();
  return (
    <List size="small" dataSource={notes} data-testid={testId}
      renderItem={(n) => (
        <List.Item>
          <Typography.Text>{n.text}</Typography.Text>{" "}
          <Typography.Text type="secondary">
            {named("role_", n.author_role, t)} · {when(n.at)}
          </Typography.Text>
        </List.Item>
      )} />
  );
}
