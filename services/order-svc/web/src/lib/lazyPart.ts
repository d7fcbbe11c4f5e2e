// A part of the page in a chunk of its own: React.lazy for its first render, and `preload` to
// fetch it earlier (when the first screen is shown and the browser is idle).

import { lazy, type ComponentType, type LazyExoticComponent } from "react";

export interface LazyPart<P> {
  Component: LazyExoticComponent<ComponentType<P>>;
  preload: () => Promise<ComponentType<P>>;
}

/** `load` runs once; a failed load (a network blip) is tried again at the next use. */
export function lazyPart<P extends object>(load: () => Promise<ComponentType<P>>): LazyPart<P> {
  let pending: Promise<ComponentType<P>> | undefined;
  const preload = () => {
    pending ??= load().catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return { Component: lazy(() => preload().then((component) => ({ default: component }))), preload };
}

/** Run `task` when the browser is idle (at most `timeout` ms later); returns the cancel. */
export function whenIdle(task: () => void, timeout = 2_000): () => void {
  if (typeof window.requestIdleCallback === "function") {
    const handle = window.requestIdleCallback(task, { timeout });
    return () => window.cancelIdleCallback(handle);
  }
  const handle = window.setTimeout(task, 200);
  return () => window.clearTimeout(handle);
}
