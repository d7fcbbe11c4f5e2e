// The seller's language: kept in localStorage; English is a chunk of its own (en.ts) that is
// loaded before the page shows it (at start when chosen before, else on the switch).

import type { English } from "./en";
import type { Lang } from "./strings";

const KEY = "workbench.lang";
let loaded: English | undefined;
let loading: Promise<English> | undefined;

/** The English words, once loaded (undefined before: the page shows Chinese). */
export function english(): English | undefined {
  return loaded;
}

/** Load the English chunk (once; a failed load is tried again at the next call). */
export function loadEnglish(): Promise<English> {
  loading ??= import("./en").then(
    (module) => (loaded = module.en),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

export function storedLang(): Lang {
  return localStorage.getItem(KEY) === "en" ? "en" : "zh";
}

/** Remember the choice for the next visit. */
export function keepLang(lang: Lang): void {
  localStorage.setItem(KEY, lang);
}

/** The document's language (zh-CN or en), for screen readers and the browser's own words. */
export function markDocument(lang: Lang): void {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}
