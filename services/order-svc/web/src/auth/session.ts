// The signed-in token: handed over in the URL fragment (never sent to a server, so never in a
// log), kept in sessionStorage (this tab only), removed from the address bar at once.

const KEY = "workbench.token";

export interface Claims {
  sub: string;
  role: string;
  seller_id?: string;
  exp?: number;
}

export function decodeClaims(token: string): Claims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/"));
    return JSON.parse(json) as Claims;
  } catch {
    return null;
  }
}

/** Take `#token=...` from the address bar into sessionStorage, then clear the fragment. */
export function adoptFragmentToken(location: Location, history: History): void {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  const token = params.get("token");
  if (!token) return;
  sessionStorage.setItem(KEY, token);
  history.replaceState(null, "", location.pathname + location.search);
}

export function currentToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function signIn(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

export function currentClaims(): Claims | null {
  const token = currentToken();
  return token ? decodeClaims(token) : null;
}
