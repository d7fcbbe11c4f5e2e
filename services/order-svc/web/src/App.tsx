import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ConfigProvider, Layout } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { useContext, useMemo, useState } from "react";

import { usePageConfig } from "./api/config";
import { SignIn } from "./auth/SignIn";
import { currentToken, signOut } from "./auth/session";
import { Header } from "./components/Header";
import { Workbench } from "./components/Workbench";
import { LangContext } from "./i18n/LangContext";
import { translate, type Lang } from "./i18n/strings";

function Gate() {
  const config = usePageConfig();
  const [signedIn, setSignedIn] = useState(() => currentToken() !== null);
  const { lang } = useContext(LangContext);
  if (signedIn) {
    return (
      <>
        <Header onSignOut={() => { signOut(); setSignedIn(false); }} />
        <Workbench />
      </>
    );
  }
  if (config.data?.development) return <SignIn onSignedIn={() => setSignedIn(true)} />;
  return config.isLoading ? null : <p data-testid="no-token">{translate("noToken", lang)}</p>;
}

export function App() {
  const [lang, setLang] = useState<Lang>(() => (localStorage.getItem("workbench.lang") === "en" ? "en" : "zh"));
  const client = useMemo(() => new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } }), []);
  const choose = (next: Lang) => {
    localStorage.setItem("workbench.lang", next);
    document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
    setLang(next);
  };
  return (
    <LangContext.Provider value={{ lang, setLang: choose }}>
      <ConfigProvider locale={lang === "zh" ? zhCN : enUS}>
        <QueryClientProvider client={client}>
          <Layout style={{ minHeight: "100vh", padding: 16, background: "#fff" }}>
            <Gate />
          </Layout>
        </QueryClientProvider>
      </ConfigProvider>
    </LangContext.Provider>
  );
}
