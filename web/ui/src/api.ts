// REST access: same origin (works behind nginx with /api proxied), the
// bearer token on state-changing requests, errors as ApiError with the
// server's code and every validation message.

const TOKEN_KEY = "xarb.token";

export function token(): string {
  try { return localStorage.getItem(TOKEN_KEY) ?? ""; } catch { return ""; }
}

export function setToken(t: string): void {
  try {
    if (t) localStorage.setItem(TOKEN_KEY, t); else localStorage.removeItem(TOKEN_KEY);
  } catch { /* private mode: the token lives for this page only */ }
  memoryToken = t;
}

let memoryToken = "";
function currentToken(): string { return token() || memoryToken; }

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string,
              readonly errors: string[] = []) {
    super(message);
  }
}

async function parse(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") {
    const t = currentToken();
    if (t) headers.Authorization = `Bearer ${t}`;
  }
  let payload: string | undefined;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload, cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "network", `the node did not answer (${String(e)})`);
  }
  const data = await parse(res);
  if (!res.ok) {
    const d = (data ?? {}) as { error?: string; message?: string; errors?: string[] };
    throw new ApiError(res.status, d.error ?? `http_${res.status}`,
      d.message ?? (typeof data === "string" ? data : res.statusText), d.errors ?? []);
  }
  return data as T;
}

export const api = {
  get: <T>(path: string) => request<T>("GET", path),
  post: <T>(path: string, body?: unknown) => request<T>("POST", path, body ?? {}),
};

/** Pair ids contain ':' and '/': always encoded in paths. */
export function pairPath(id: string): string {
  return `/api/pairs/${encodeURIComponent(id)}`;
}
