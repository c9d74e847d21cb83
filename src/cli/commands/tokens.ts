import { CliError, type ApiClient } from '../client.js';
import { printJson, println, table } from '../output.js';
import type { CreatedToken, TokenPage, TokenView } from '../../api/contract/index.js';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90s`, `30m`, `12h`, `30d` → seconds. */
export function parseDuration(text: string, flag = '--ttl'): number {
  const m = /^(\d+)([smhd])$/.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw new CliError(`${flag} takes a duration above zero like 12h or 30d (also 90s, 30m); got "${text}" (nothing was sent)`, 2);
  return Number(m[1]) * UNIT_SECONDS[m[2]!]!;
}

export async function tokensCreateCommand(client: ApiClient, opts: { role: string; name: string; ttl?: string; json?: boolean }): Promise<void> {
  const body = { name: opts.name, role: opts.role, ...(opts.ttl ? { ttlSeconds: parseDuration(opts.ttl) } : {}) };
  const created = await client.request<CreatedToken>('POST', '/api/v1/tokens', body);
  if (opts.json) return printJson(created);
  println(`token ${created.id} (${created.name}, role ${created.role}${created.expiresAt ? `, expires ${created.expiresAt}` : ''}):`);
  println(created.secret);
  println('This is the only time the secret is shown; flotte keeps only its hash.');
}

export async function tokensListCommand(client: ApiClient, opts: { json?: boolean }): Promise<void> {
  const items: TokenView[] = [];
  let after: string | null = null;
  do {
    const page: TokenPage = await client.get(`/api/v1/tokens?limit=1000${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.items);
    after = page.next;
  } while (after);
  if (opts.json) return printJson(items);
  println(table(['ID', 'NAME', 'ROLE', 'CREATED', 'EXPIRES', 'REVOKED'], items.map((t) => [t.id, t.name, t.role, t.createdAt, t.expiresAt ?? '-', t.revokedAt ?? '-'])));
}

export async function tokensRevokeCommand(client: ApiClient, id: string, opts: { json?: boolean }): Promise<void> {
  const token = await client.request<TokenView>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`);
  if (opts.json) return printJson(token);
  println(`revoked ${token.id} (${token.name}) at ${token.revokedAt}`);
}
