// "自动退款 还剩 4天3小时": the next deadline of each kind, as a seller reads it.

export type Lang = "zh" | "en";

export function remaining(dueIso: string, now: Date, lang: Lang): string {
  const ms = new Date(dueIso).getTime() - now.getTime();
  if (ms <= 0) return lang === "zh" ? "已到期" : "due now";
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (lang === "zh") {
    if (days > 0) return `还剩 ${days}天${hours}小时`;
    if (hours > 0) return `还剩 ${hours}小时${mins}分`;
    return `还剩 ${mins}分`;
  }
  if (days > 0) return `${days}d ${hours}h left`;
  if (hours > 0) return `${hours}h ${mins}m left`;
  return `${mins}m left`;
}

/** The soonest of an order's next deadlines, or null when none is armed. */
export function soonest(deadlines: Record<string, string> | undefined): [string, string] | null {
  const entries = Object.entries(deadlines ?? {});
  if (entries.length === 0) return null;
  entries.sort((a, b) => new Date(a[1]).getTime() - new Date(b[1]).getTime());
  return entries[0] ?? null;
}

/** A row's deadlines as the countdown reads them: the order view's `next_deadlines`, or the
 * list row's `next_due` (its soonest one: lists carry only that). */
export function rowDeadlines(row: {
  next_deadlines?: Record<string, string>;
  next_due?: { kind: string; at: string } | null;
}): Record<string, string> | undefined {
  if (row.next_deadlines) return row.next_deadlines;
  return row.next_due ? { [row.next_due.kind]: row.next_due.at } : undefined;
}
