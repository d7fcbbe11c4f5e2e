import { currentToken } from "../auth/session";

// One error for every failed call: the HTTP status and the server's {"error": {...}} body.
export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  base?: string;
}

function newKey(): string {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now()}-${Math.random()}`;
}

async function failure(response: Response): Promise<ApiError> {
  let code = "http_" + response.status;
  let message = response.statusText;
  let details: Record<string, unknown> = {};
  try {
    const data = (await response.json()) as { error?: { code?: string; message?: string } & Record<string, unknown> };
    code = data.error?.code ?? code;
    message = data.error?.message ?? message;
    details = data.error ?? {};
  } catch {
    // not JSON: keep the status text
  }
  return new ApiError(response.status, code, message, details);
}

/** Call the API with the signed-in token; POSTs carry an Idempotency-Key. */
export async function call<T>(path: string, options: CallOptions = {}): Promise<T> {
  const method = options.method ?? "GET";
  const headers: Record<string, string> = { Accept: "application/json" };
  const token = currentToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  if (method === "POST") headers["Idempotency-Key"] = newKey();
  const response = await fetch((options.base ?? "") + path, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  if (!response.ok) throw await failure(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
