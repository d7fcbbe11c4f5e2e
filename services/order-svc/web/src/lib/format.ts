// What a seller reads instead of the API's raw values: amounts in yuan, times on the shop's
// clock, and every code (tier, role, outcome, rating, indicator, rule) in their language.

import { has, type Key, type Lang } from "../i18n/strings";

export type T = (key: Key) => string;

/** "12.00" (or 12) as "¥12.00"; a missing amount as a dash, never "¥null". */
export function yuan(amount: string | number | null | undefined): string {
  if (amount === null || amount === undefined || amount === "") return "—";
  const n = Number(amount);
  return Number.isFinite(n) ? `¥${n.toFixed(2)}` : String(amount);
}

let shopTime: Intl.DateTimeFormat | undefined; // made at its first use: the list never needs it

function shopClock(): Intl.DateTimeFormat {
  shopTime ??= new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit", hourCycle: "h23",
  });
  return shopTime;
}

/** An ISO instant as "2026-12-02 21:28" on the shop's clock (Asia/Shanghai, as the metrics'
 * days are), the same in both languages; a missing or unreadable one as a dash. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const p = Object.fromEntries(shopClock().formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}`;
}

const ISO = /\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:\d\d)?/g;

/** Free text with ISO instants in it, those instants as `when` shows them. */
export function withTimes(text: string): string {
  return text.replace(ISO, (m) => when(m));
}

/** A code's words under `prefix` (`tier_GOLD`, `role_customer` …); the code itself when the
 * page has no words for it, and "" for none. */
export function named(prefix: string, code: string | null | undefined, t: T): string {
  if (code === null || code === undefined || code === "") return "";
  const key = `${prefix}${code}`;
  return has(key) ? t(key) : code;
}

/** "2026-W49" as "2026年第49周" / "week 49 of 2026". */
export function weekName(week: string | undefined, lang: Lang): string {
  const m = /^(\d{4})-W(\d{1,2})$/.exec(week ?? "");
  if (!m) return week ?? "";
  return lang === "zh" ? `${m[1]}年第${Number(m[2])}周` : `week ${Number(m[2])} of ${m[1]}`;
}
