import { render } from "@testing-library/react";
import type { ReactElement } from "react";

import { LangContext } from "../i18n/LangContext";
import type { Lang } from "../i18n/strings";

/** Render a component as a seller sees it in `lang` (English once its chunk is loaded). */
export function renderIn(ui: ReactElement, lang: Lang = "zh") {
  return render(<LangContext.Provider value={{ lang, setLang: () => undefined }}>{ui}</LangContext.Provider>);
}
