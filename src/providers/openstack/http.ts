import { readFileSync } from 'node:fs';
import { Agent, fetch, type Dispatcher } from 'undici';

/** TLS settings a cloud entry may carry (`cacert`, `verify: false`). */
export interface TlsOptions {
  /** PEM bundle of the CAs that sign the cloud's certificates. */
  caFile?: string | undefined;
  /** Skip certificate verification (clouds.yaml `verify: false`); for labs only. */
  insecure?: boolean | undefined;
}

/** One HTTP exchange, already read: the ports below never see streams or undici types. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text (or undefined when empty). */
  body: unknown;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD';
  url: string;
  headers?: Record<string, string> | undefined;
  json?: unknown;
  signal?: AbortSignal | undefined;
}

/** The transport every OpenStack port uses; tests may hand in another, the provider never branches on it. */
export type HttpSend = (req: HttpRequest) => Promise<HttpResponse>;

/** A request that never reached an answer: refused, reset, timed out, TLS failure. */
export class ConnectionError extends Error {
  constructor(readonly url: string, cause: unknown) {
    super(`cannot reach ${new URL(url).origin}: ${describeCause(cause)}`, { cause });
    this.name = 'ConnectionError';
  }
}

/** Per-request ceiling: a hung control plane must not hang a controller tick. */
export const REQUEST_TIMEOUT_MS = 60_000;

/**
 * `fetch` through an undici Agent carrying the cloud's TLS settings. Keep-alive is left to
 * undici, which honours the `Connection: close` that uwsgi-served APIs (Keystone, nova-api) send.
 */
export function httpTransport(tls: TlsOptions = {}): HttpSend {
  const dispatcher: Dispatcher = new Agent({
    connect: {
      ...(tls.caFile ? { ca: readFileSync(tls.caFile, 'utf8') } : {}),
      rejectUnauthorized: !tls.insecure,
    },
  });
  return async (req) => {
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    if (req.json !== undefined) headers['content-type'] = 'application/json';
    const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]) : AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      res = await fetch(req.url, {
        method: req.method,
        headers,
        body: req.json === undefined ? undefined : JSON.stringify(req.json),
        signal,
        dispatcher,
      });
    } catch (e) {
      if (req.signal?.aborted) throw req.signal.reason;
      throw new ConnectionError(req.url, e);
    }
    const text = await res.text().catch((e: unknown) => {
      throw new ConnectionError(req.url, e);
    });
    let body: unknown = text === '' ? undefined : text;
    if (text !== '' && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        // A proxy's HTML error page with a JSON content type: keep the text for the error message.
      }
    }
    return { status: res.status, headers: res.headers as unknown as Headers, body };
  };
}

function describeCause(e: unknown): string {
  if (e instanceof Error) {
    const inner = (e as { cause?: unknown }).cause;
    const code = inner && typeof inner === 'object' && 'code' in inner ? String((inner as { code: unknown }).code) : undefined;
    return code ? `${e.message} (${code})` : e.message;
  }
  return String(e);
}

/** Joins a catalog endpoint and a path without doubling or dropping slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
