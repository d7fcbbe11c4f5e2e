// A table's first render shows a screenful of rows; the rest of the page follows once the
// browser has painted them (a frame later, as a transition a click may interrupt). The page's
// first paint then costs a screenful of rows, not fifty.

import { startTransition, useEffect, useState } from "react";

/** About the rows a 1080-pixel-high window shows under the header and the tabs. */
export const SCREENFUL = 25;

function afterPaint(task: () => void): () => void {
  let timer: number | undefined;
  const frame = window.requestAnimationFrame(() => {
    timer = window.setTimeout(task, 0); // a frame callback runs before its paint: this, after it
  });
  return () => {
    window.cancelAnimationFrame(frame);
    if (timer !== undefined) window.clearTimeout(timer);
  };
}

/** `rows` cut to a screenful at the first render, then all of them. */
export function useScreenfulFirst<T>(rows: T[], first = SCREENFUL): T[] {
  const [all, setAll] = useState(false);
  const cut = !all && rows.length > first;
  useEffect(() => (cut ? afterPaint(() => startTransition(() => setAll(true))) : undefined), [cut]);
  return cut ? rows.slice(0, first) : rows;
}
