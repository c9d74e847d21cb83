import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Refusal } from '../domain/refusal.js';
import { storedCredential } from './credentials.js';
import type { ErrorBody } from '../api/contract/index.js';

/** The CLI's only way to flotte: its HTTP API, like kubectl's. */
export const DEFAULT_SERVER = 'http://127.0.0.1:7420';
/** The largest page the API gives (its PAGE_MAX), kept here so the CLI does not load the contract's zod schemas to learn it. */
export const PAGE_MAX = 1_000;

/** A CLI command's own refusal (1: the thing failed; 2: the input was bad). */
export class CliError extends Refusal {
  constructor(message: string, exitCode: 1 | 2) {
    super(message, exitCode);
  }
}

export class ApiClient {
  constructor(
    readonly server: string,
    private readonly token?: string,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.server), {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new CliError(`cannot reach flotte at ${this.server}: ${(e as Error).cause ?? (e as Error).message} (is \`flotte up\` running? set --server or FLOTTE_SERVER)`, 1);
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : undefined;
    if (!res.ok) throw new ApiRequestError(res.status, json as ErrorBody);
    return json as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** A raw authenticated request, for responses read as a stream (server-sent events). */
  async open(path: string, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.server), { headers: { ...headers, ...(this.token ? { authorization: `Bearer ${this.token}` } : {}) }, signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new CliError(`cannot reach flotte at ${this.server}: ${(e as Error).cause ?? (e as Error).message}`, 1);
    }
    if (!res.ok) throw new ApiRequestError(res.status, (await res.json().catch(() => undefined)) as ErrorBody);
    return res;
  }
}

export class ApiRequestError extends CliError {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body?.error?.message ?? `HTTP ${status}`, status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429 ? 2 : 1);
  }
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * The token the CLI sends: `FLOTTE_TOKEN`, else `--token-file`, else the person's unexpired
 * `flotte login` sign-in for this server, else, when the server is on this host, the admin token `flotte up` wrote to `<data dir>/admin-token` (`FLOTTE_DATA_DIR`,
 * default `./.flotte`). A remote server never gets the local admin token by accident.
 */
export function resolveToken(server: string, opts: { tokenFile?: string | undefined; env?: NodeJS.ProcessEnv } = {}): string | undefined {
  const env = opts.env ?? process.env;
  if (env.FLOTTE_TOKEN) return env.FLOTTE_TOKEN;
  if (opts.tokenFile) return readFileSync(opts.tokenFile, 'utf8').trim();
  const signedIn = storedCredential(server, env);
  if (signedIn) return signedIn.secret;
  let host: string;
  try {
    host = new URL(server).hostname;
  } catch {
    return undefined;
  }
  if (!LOCAL_HOSTS.has(host)) return undefined;
  const file = join(env.FLOTTE_DATA_DIR ?? '.flotte', 'admin-token');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}
