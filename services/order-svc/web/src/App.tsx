import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { ConfigProvider, Layout } from "antd";
import zhCN from "antd/locale/zh_CN";
import { Suspense, useContext, useEffect, useState } from "react";

import { usePageConfig } from "./api/config";
import { currentToken, signOut } from "./auth/session";
import { Header } from "./components/Header";
import { SignInPart } from "./components/parts";
import { Workbench } from "./components/Workbench";
import { english, keepLang, loadEnglish, markDocument, storedLang } from "./i18n/choice";
import { LangContext } from "./i18n/LangContext";
import { translate, type Lang } from "./i18n/strings";

function Gate() {
  const [signedIn, setSignedIn] = useState(() => currentToken() !== null);
  const config = usePageConfig(!signedIn); // the sign-in's question: asked only when needed
  const { lang } = useContext(LangContext);
  if (signedIn) {
    return (
      <>
        <Header onSignOut={() => { signOut(); setSignedIn(false); }} />
        <Workbench />
      </>
    );
  }
  if (config.data?.development) {
    return <Suspense fallback={null}><SignInPart.Component onSignedIn={() => setSignedIn(true)} /></Suspense>;
  }
  return config.isLoading ? null : <p data-testid="no-token">{translate("noToken", lang)}</p>;
}

/** English only once its chunk is in (main.tsx loads it first when it was the last choice). */
function initialLang(): Lang {
  return storedLang() === "en" && english() ? "en" : "zh";
}

export function App({ client }: { client: QueryClient }) {
  const [lang, setLang] = useState<Lang>(initialLang);
  useEffect(() => markDocument(lang), [lang]);
  const choose = (next: Lang) => {
    const ready = next === "en" ? loadEnglish() : Promise.resolve();
    // a failed load leaves the page in Chinese; the next switch tries again
    ready.then(() => { keepLang(next); setLang(next); }, () => undefined);
  };
  return (
    <LangContext.Provider value={{ lang, setLang: choose }}>
      <ConfigProvider locale={lang === "en" ? english()?.locale ?? zhCN : zhCN}>
        <QueryClientProvider client={client}>
          <Layout style={{ minHeight: "100vh", padding: 16, background: "#fff" }}>
            <Gate />
          </Layout>
        </QueryClientProvider>
      </ConfigProvider>
    </LangContext.Provider>
  );
}
