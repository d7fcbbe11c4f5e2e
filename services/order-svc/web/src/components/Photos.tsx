import { Space, Typography } from "antd";

import { useT } from "../i18n/LangContext";
import { webAddress } from "../lib/links";

interface Props {
  photos: string[];
  testId: string;
}

/** A customer's photos as links that open in a new tab, each with the host it goes to; the
 * page's CSP loads no image from another host, and a seller sees where a link leads. */
export function Photos({ photos, testId }: Props) {
  const { lang, t } = useT();
  const aside = (text: string) => (lang === "zh" ? `（${text}）` : ` (${text})`);
  return (
    <Space wrap size="small" data-testid={testId}>
      {photos.map((photo, i) => {
        const url = webAddress(photo);
        const label = `${t("photo")} ${i + 1}`;
        return url ? (
          <Typography.Link key={`${i}-${photo}`} href={url.href} target="_blank" rel="noopener noreferrer nofollow" title={url.href}>
            {label}{aside(url.host)}
          </Typography.Link>
        ) : (
          <Typography.Text key={`${i}-${photo}`} type="secondary" title={photo}>
            {label}{aside(t("badPhoto"))}
          </Typography.Text>
        );
      })}
    </Space>
  );
}
