import { CliError, PAGE_MAX, type ApiClient } from '../client.js';
import { wholeNumberFlag } from '../flags.js';
import { printJson, println, table } from '../output.js';
import { parseDuration } from './tokens.js';
import type { AuditEntry, AuditPage } from '../../api/contract/index.js';

/** `--since` takes an ISO time or a duration back from now (`1h`, `7d`). */
export function sinceTime(since: string, now: number): string {
  if (/^\d+[smhd]$/.test(since)) return new Date(now - parseDuration(since) * 1000).toISOString();
  const t = Date.parse(since);
  if (Number.isNaN(t)) throw new CliError(`--since "${since}" is neither a time (2026-01-31T12:00:00Z) nor a duration (1h, 7d)`, 2);
  return new Date(t).toISOString();
}

export async function auditCommand(client: ApiClient, now: number, opts: { pool?: string; since?: string; limit: string; json?: boolean }): Promise<void> {
  const limit = wholeNumberFlag('--limit', opts.limit, 1);
  const filter = new URLSearchParams({ limit: String(Math.min(limit, PAGE_MAX)) });
  if (opts.pool) filter.set('pool', opts.pool);
  if (opts.since) filter.set('since', sinceTime(opts.since, now));
  // Up to a page, one request for the newest; more pages through the log from --since (or the start).
  if (limit <= PAGE_MAX) filter.set('newest', 'true');
  const items: AuditEntry[] = [];
  let after: string | null = null;
  do {
    if (after) filter.set('after', after);
    const page: AuditPage = await client.get(`/api/v1/audit?${filter}`);
    items.push(...page.items);
    after = page.next;
  } while (after);
  const shown = items.slice(-limit);
  if (opts.json) return printJson(shown);
  println(table(['AT', 'ACTOR', 'ROLE', 'ACTION', 'POOL', 'STATUS', 'RESULT', 'SOURCE'], shown.map((r) => [r.at, r.actor, r.role, r.action, r.pool ?? '-', r.status, r.result, r.source])));
}
