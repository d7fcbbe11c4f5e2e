import { createContext, useContext } from "react";

import { translate, type Key, type Lang } from "./strings";

export interface LangValue {
  lang: Lang;
  setLang: (lang: Lang) => void;
}

export const LangContext = createContext<LangValue>({ lang: "zh", setLang: () => undefined });

/** The current language and `t(key)` for its labels. */
export function useT(): { lang: Lang; t: (key: Key) => string } {
  const { lang } = useContext(LangContext);
  return { lang, t: (key: Key) => translate(key, lang) };
}
