import "@testing-library/react";

// antd reads these; jsdom has neither.
Object.defineProperty(window, "matchMedia", {
  writable: true,
  value: (query: string) => ({
    matches: false, media: query, onchange: null,
    addListener: () => undefined, removeListener: () => undefined,
    addEventListener: () => undefined, removeEventListener: () => undefined, dispatchEvent: () => false,
  }),
});
window.getComputedStyle = ((orig) => (el: Element) => orig(el))(window.getComputedStyle);
