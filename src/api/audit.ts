import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Clock } from '../clock/clock.js';
import { isStorageFailure } from '../store/storage-failure.js';
import type { Store } from '../store/store.js';
import { callerOf } from './auth.js';

/** Keys whose values never reach the audit log or a log line. */
const SECRET_KEY = /(token|secret|password|passwd|authorization|credential|private.?key|user.?data|api.?key)/i;
/** Whole documents (flotte.yaml) may embed user-data and credentials: the log keeps a digest. */
const DOCUMENT_KEYS = new Set(['source']);
export const REDACTED = '[redacted]';

/** Levels of a request kept in its record: far more than any route takes, far less than overflows the stack. */
const MAX_DEPTH = 32;
export const TOO_DEEP = '[too deep]';

export function redact(value: unknown, key = '', depth = 0): unknown {
  if (SECRET_KEY.test(key)) return REDACTED;
  if (DOCUMENT_KEYS.has(key) && typeof value === 'string') {
    return { bytes: Buffer.byteLength(value), sha256: createHash('sha256').update(value).digest('hex') };
  }
  const nested = value !== null && typeof value === 'object';
  if (nested && depth >= MAX_DEPTH) return TOO_DEEP;
  if (Array.isArray(value)) return value.map((v) => redact(v, '', depth + 1));
  if (nested) {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, redact(v, k, depth + 1)]));
  }
  return value;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function poolOf(request: FastifyRequest): string | undefined {
  const params = (request.params ?? {}) as Record<string, unknown>;
  if (typeof params.pool === 'string') return params.pool;
  const body = request.body as Record<string, unknown> | null | undefined;
  if (body && typeof body === 'object' && typeof body.pool === 'string') return body.pool;
  const url = request.routeOptions.url ?? '';
  return url.startsWith('/api/v1/pools/:name') && typeof params.name === 'string' ? params.name : undefined;
}

function resultOf(status: number, payload: unknown): string {
  if (status < 400) return 'ok';
  try {
    return (JSON.parse(String(payload)) as { error?: { code?: string } }).error?.code ?? `http_${status}`;
  } catch {
    return `http_${status}`;
  }
}

/**
 * One audit record per authenticated mutating request, denied ones included, written before
 * the response leaves so a caller that got an answer can already read its record.
 */
export function installAudit(app: FastifyInstance, deps: { store: Store; clock: Clock }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const caller = callerOf(request);
    if (!caller || !MUTATING.has(request.method)) return payload;
    if (reply.statusCode < 400 && (request.routeOptions.config as { auditRefusalsOnly?: boolean } | undefined)?.auditRefusalsOnly) return payload;
    await deps.store.appendAudit({
      at: deps.clock.now(),
      actor: caller.name,
      tokenId: caller.id,
      role: caller.role,
      action: `${request.method} ${request.routeOptions.url ?? request.url}`,
      pool: poolOf(request),
      params: redact({ params: request.params ?? {}, query: request.query ?? {}, body: request.body ?? null }) as Record<string, unknown>,
      status: reply.statusCode,
      result: resultOf(reply.statusCode, payload),
      source: request.ip,
    }).catch((e: unknown) => {
      // A refusal because the store fails has changed nothing, and its record cannot be
      // written either: the caller still gets the refusal, not an error about the audit.
      if (!(reply.statusCode >= 400 && isStorageFailure(e))) throw e;
      request.log.error({ err: e }, 'audit record lost: the store does not take writes');
    });
    return payload;
  });
}
