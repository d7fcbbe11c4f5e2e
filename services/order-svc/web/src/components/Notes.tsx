import { List, Typography } from "antd";

import type { Note } from "../api/types";
import { useT } from "../i18n/LangContext";
import { named, when } from "../lib/format";
import { Photos } from "./Photos";

/** The customer's feedback or the messages, oldest first: who wrote it (in words), when, and
 * the photos sent with it. */
export function Notes({ notes, testId }: { notes: Note[]; testId: string }) {
  const { t } = useT();
  return (
    <List size="small" dataSource={notes} data-testid={testId}
      renderItem={(n) => (
        <List.Item>
          <div>
            <Typography.Text>{n.text}</Typography.Text>{" "}
            <Typography.Text type="secondary">
              {named("role_", n.author_role, t)} · {when(n.at)}
            </Typography.Text>
            {(n.photos?.length ?? 0) > 0 && <div><Photos photos={n.photos ?? []} testId={`${testId}-photos`} /></div>}
          </div>
        </List.Item>
      )} />
  );
}
