import type { EventView } from '../../api/contract/index.js';

export type FleetEvent = EventView;

/**
 * The dashboard talks to flotte only through its public API: with the user's bearer token when
 * they pasted one, else with the sign-in cookie the server set (HttpOnly: no script here sees it).
 */
const TOKEN_KEY = 'flotte.token';

/** Every request says it comes from the dashboard: the server refuses cookie-borne changes without it (cross-site forgery). */
export function authHeaders(): Record<string, string> {
  const t = token.get();
  return { 'x-flotte-request': '1', ...(t ? { authorization: `Bearer ${t}` } : {}) };
}

export const token = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (t: string): void => localStorage.setItem(TOKEN_KEY, t),
  clear: (): void => localStorage.removeItem(TOKEN_KEY),
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      ...authHeaders(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new HttpError(res.status, json?.error?.code ?? 'error', json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}

export const get = <T>(path: string): Promise<T> => api<T>('GET', path);

/** Ends the sign-in (the server deletes the session and the cookie) or forgets the pasted token. */
export async function logout(): Promise<void> {
  if (token.get()) return token.clear();
  await fetch('/api/auth/logout', { method: 'POST', headers: authHeaders() });
}

/**
 * Follows `/api/v1/events/stream` over fetch (EventSource cannot send a bearer token),
 * reconnecting with Last-Event-ID so no event is missed. Returns a stop function.
 */
export function followEvents(onEvent: (e: FleetEvent) => void, onState?: (live: boolean) => void, after = 0): () => void {
  const stop = new AbortController();
  let last: string | undefined = after > 0 ? String(after) : undefined;
  const run = async (): Promise<void> => {
    while (!stop.signal.aborted) {
      try {
        const res = await fetch('/api/v1/events/stream', {
          headers: { ...authHeaders(), accept: 'text/event-stream', ...(last ? { 'last-event-id': last } : {}) },
          signal: stop.signal,
        });
        if (!res.ok || !res.body) throw new Error(`stream: HTTP ${res.status}`);
        onState?.(true);
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const frame = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            let id: string | undefined;
            let data = '';
            for (const line of frame.split('\n')) {
              if (line.startsWith('id:')) id = line.slice(3).trim();
              else if (line.startsWith('data:')) data += line.slice(5).trim();
            }
            if (id) last = id;
            if (data) onEvent(JSON.parse(data) as FleetEvent);
          }
        }
      } catch {
        if (stop.signal.aborted) return;
      }
      onState?.(false);
      await new Promise((r) => window.setTimeout(r, 1000));
    }
  };
  void run();
  return () => stop.abort();
}
