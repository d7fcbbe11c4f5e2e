import { theme } from "antd";

import { commandName } from "../i18n/commands";
import { useT } from "../i18n/LangContext";
import { remaining, soonest } from "../lib/countdown";

interface Props {
  deadlines: Record<string, string> | undefined;
  now: Date;
}

/** The soonest deadline: "自动退款 还剩 4天3小时"; red within 24 hours. A plain span in the
 * theme's colours: a page of rows shows fifty of them, and Typography's machinery (ellipsis,
 * copy, edit) costs each one for nothing here. */
export function Countdown({ deadlines, now }: Props) {
  const { lang, t } = useT();
  const { token } = theme.useToken();
  const next = soonest(deadlines);
  if (!next) return <span style={{ color: token.colorTextDescription }}>{t("none")}</span>;
  const [kind, due] = next;
  const urgent = new Date(due).getTime() - now.getTime() < 24 * 3600_000;
  return (
    <span style={urgent ? { color: token.colorError } : undefined} data-testid="countdown">
      {commandName(kind, lang)} {remaining(due, now, lang)}
    </span>
  );
}
