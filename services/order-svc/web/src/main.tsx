// The page's first script, kept tiny: take the token, start the first screen's reads, then run
// the workbench (boot.tsx), whose chunks index.html is already fetching: data and code load at
// once instead of one after the other. English comes first when it was the last choice.

import { startFirstScreen } from "./api/early";
import { adoptFragmentToken } from "./auth/session";
import { loadEnglish, storedLang } from "./i18n/choice";

adoptFragmentToken(window.location, window.history);
const early = startFirstScreen();
const root = document.getElementById("root");
const english = storedLang() === "en" ? loadEnglish().catch(() => undefined) : undefined;
if (root) {
  Promise.all([import("./boot"), english])
    .then(([{ mount }]) => mount(root, early))
    .catch((error: unknown) => {
      root.textContent = "页面加载失败，请刷新 (the page failed to load: reload it)";
      throw error;
    });
}
