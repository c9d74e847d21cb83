import type { ApiClient } from '../client.js';
import { printJson, println, table } from '../output.js';
import type { PoolList, PoolSummary } from '../../api/contract/index.js';

export async function poolsCommand(client: ApiClient, opts: { json?: boolean }): Promise<void> {
  const { items } = await client.get<PoolList>('/api/v1/pools');
  if (opts.json) return printJson(items);
  const busy = (p: PoolSummary) => (p.counts.requested ?? 0) + (p.counts.launching ?? 0) + (p.counts.booting ?? 0);
  println(
    table(
      ['POOL', 'PROVIDER', 'MIN', 'MAX', 'DESIRED', 'READY', 'BOOTING', 'UNHEALTHY', 'DRAINING', 'TERMINATING', 'CONDITIONS'],
      items.map((p) => [p.name, p.provider, p.min, p.max, p.desired, p.ready, busy(p), p.counts.unhealthy ?? 0, p.counts.draining ?? 0, p.counts.terminating ?? 0, p.conditions.map((c) => c.type).join(',') || '-']),
    ),
  );
  // The table has room for the type only: say why, and what to do, below it.
  for (const p of items) for (const c of p.conditions) println(`${p.name}: ${c.type} since ${c.since}${c.until ? ` until ${c.until}` : ''}: ${c.message}`);
}
