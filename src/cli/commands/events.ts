import type { ApiClient } from '../client.js';
import { printJson, println } from '../output.js';

interface EventRow {
  id: number;
  at: string;
  pool: string;
  machine?: string;
  reason: string;
  message: string;
}

export async function eventsCommand(client: ApiClient, pool: string | undefined, opts: { json?: boolean; limit: string; after?: string }): Promise<void> {
  const base = pool ? `/api/v1/pools/${encodeURIComponent(pool)}/events` : '/api/v1/events';
  const items: EventRow[] = [];
  let after = opts.after;
  const limit = Number(opts.limit);
  // Pages through the cursor until the end: `--limit` caps how many are shown, newest last.
  for (;;) {
    const page = await client.get<{ items: EventRow[]; next: string | null }>(`${base}?limit=1000${after ? `&after=${after}` : ''}`);
    items.push(...page.items);
    if (!page.next) break;
    after = page.next;
  }
  const shown = items.slice(-limit);
  if (opts.json) return printJson(shown);
  for (const e of shown) println(`${e.at}  ${e.pool.padEnd(12)} ${e.reason.padEnd(14)} ${e.message}`);
}
