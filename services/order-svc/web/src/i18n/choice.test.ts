// Runs in a fresh module registry of its own (vitest isolates each file): English not loaded yet.
import { english, keepLang, loadEnglish, markDocument, storedLang } from "./choice";
import { commandName } from "./commands";
import { sellerMessage } from "./errors";
import { translate } from "./strings";
import { ApiError } from "../api/client";

test("before its chunk arrives English falls back to Chinese; after, every word is English", async () => {
  expect(english()).toBeUndefined();
  expect(translate("PENDING_CLAIM", "en")).toBe("待领取");
  const en = await loadEnglish();
  expect(english()).toBe(en);
  expect(translate("PENDING_CLAIM", "en")).toBe("To claim");
  expect(translate("PENDING_CLAIM", "zh")).toBe("待领取");
  expect(commandName("CLAIM", "en")).toBe("Claim");
  expect(commandName("CLAIM", "zh")).toBe("领取");
  expect(commandName("NO_SUCH", "en")).toBe("NO_SUCH");
  expect(sellerMessage(new ApiError(404, "not_found", ""), "en")).toBe("Not found, or not your shop's");
  expect(en.locale.locale).toBe("en");
  expect(await loadEnglish()).toBe(en); // loaded once
});

test("the choice is kept; the document's language is marked", () => {
  localStorage.removeItem("workbench.lang");
  expect(storedLang()).toBe("zh");
  keepLang("en");
  expect(storedLang()).toBe("en");
  keepLang("zh");
  expect(storedLang()).toBe("zh");
  markDocument("en");
  expect(document.documentElement.lang).toBe("en");
  markDocument("zh");
  expect(document.documentElement.lang).toBe("zh-CN");
});
