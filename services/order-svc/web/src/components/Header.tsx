import { Button, Segmented, Space, Typography } from "antd";
import { useContext } from "react";

import { currentClaims } from "../auth/session";
import { LangContext } from "../i18n/LangContext";
import { translate, type Lang } from "../i18n/strings";

/** Title, who is signed in, the language switch and sign-out. */
export function Header({ onSignOut }: { onSignOut: () => void }) {
  const { lang, setLang } = useContext(LangContext);
  const claims = currentClaims();
  return (
    <Space style={{ width: "100%", justifyContent: "space-between" }}>
      <Typography.Title level={3} style={{ margin: 0 }}>{translate("title", lang)}</Typography.Title>
      <Space>
        {claims && <Typography.Text data-testid="who">{claims.seller_id} · {claims.sub}</Typography.Text>}
        <Segmented<Lang> value={lang} onChange={setLang} options={[{ value: "zh", label: "中文" }, { value: "en", label: "English" }]} data-testid="lang" />
        <Button size="small" onClick={onSignOut}>{translate("signOut", lang)}</Button>
      </Space>
    </Space>
  );
}
