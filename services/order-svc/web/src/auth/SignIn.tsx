import { Alert, Button, Card, Input, List, Space, Typography } from "antd";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";

import { call } from "../api/client";
import type { DevAccount } from "../api/types";
import { sellerMessage } from "../i18n/errors";
import { useT } from "../i18n/LangContext";
import { named } from "../lib/format";
import { signIn } from "./session";

/** ENV=development only: the demo accounts of a shop, each signed in with one click. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const { lang, t } = useT();
  const [shop, setShop] = useState("");
  const accounts = useQuery({
    queryKey: ["dev-accounts", shop],
    queryFn: () => call<{ items: DevAccount[] }>(`/dev/accounts${shop ? `?seller_id=${encodeURIComponent(shop)}` : ""}`),
  });
  const [error, setError] = useState<unknown>(null);
  const pick = async (account: DevAccount) => {
    try {
      const { token } = await call<{ token: string }>("/dev/tokens", { method: "POST", body: { account: account.id } });
      signIn(token);
      onSignedIn();
    } catch (e) {
      setError(e);
    }
  };
  return (
    <Card title={t("signInTitle")} style={{ maxWidth: 640, margin: "48px auto" }} data-testid="sign-in">
      <Space direction="vertical" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{t("signInHint")}</Typography.Text>
        <Input.Search placeholder={t("shopId")} onSearch={setShop} allowClear data-testid="shop-id" enterButton={t("search")} />
        {(error ?? accounts.error) && <Alert type="error" message={sellerMessage(error ?? accounts.error, lang)} />}
        <List bordered loading={accounts.isFetching} dataSource={(accounts.data?.items ?? []).filter((a) => a.role === "seller_admin" || a.role === "seller_staff")}
          renderItem={(a) => (
            <List.Item actions={[<Button key="go" type="primary" onClick={() => void pick(a)} data-testid={`sign-in-${a.id.split(":").pop() ?? a.id}`}>{t("signInWith")}</Button>]}>
              <List.Item.Meta title={a.label} description={`${a.seller_id ?? ""} · ${named("role_", a.role, t)}${a.permissions.length ? " · " + a.permissions.map((p) => (p === "AUDIT" || p === "PROCESS" ? t(p) : p)).join("/") : ""}`} />
            </List.Item>
          )} />
      </Space>
    </Card>
  );
}
