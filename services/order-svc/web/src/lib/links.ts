// Addresses that customers sent (their photos): a link only when it is a web address.

/** `value` as an http(s) URL, or null for anything else (javascript:, data:, a bare word). */
export function webAddress(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  return url.protocol === "http:" || url.protocol === "https:" ? url : null;
}
