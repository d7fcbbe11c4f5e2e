import { Typography } from "antd";

import { commandName } from "../i18n/commands";
import { useT } from "../i18n/LangContext";
import { remaining, soonest } from "../lib/countdown";

interface Props {
  deadlines: Record<string, string> | undefined;
  now: Date;
}

/** The soonest deadline: "自动退款 还剩 4天3小时"; red within 24 hours. */
export function Countdown({ deadlines, now }: Props) {
  const { lang, t } = useT();
  const next = soonest(deadlines);
  if (!next) return <Typography.Text type="secondary">{t("none")}</Typography.Text>;
  const [kind, due] = next;
  const urgent = new Date(due).getTime() - now.getTime() < 24 * 3600_000;
  return (
    <Typography.Text type={urgent ? "danger" : undefined} data-testid="countdown">
      {commandName(kind, lang)} {remaining(due, now, lang)}
    </Typography.Text>
  );
}
