import { PAGE_MAX, type ApiClient } from '../client.js';
import { printJson, println, table } from '../output.js';
import type { MachinePage, MachineView } from '../../api/contract/index.js';

export async function machinesCommand(client: ApiClient, pool: string, opts: { json?: boolean; state?: string }): Promise<void> {
  const machines: MachineView[] = [];
  let next: string | null = null;
  // Full pages: a 50,000-machine pool is 50 requests, none of them large.
  do {
    const page: MachinePage = await client.get<MachinePage>(`/api/v1/pools/${encodeURIComponent(pool)}/machines?limit=${PAGE_MAX}${next === null ? '' : `&after=${encodeURIComponent(next)}`}`);
    machines.push(...page.items);
    next = page.next;
  } while (next !== null);
  const rows = opts.state ? machines.filter((m) => m.state === opts.state) : machines;
  if (opts.json) return printJson(rows);
  println(table(['ID', 'STATE', 'ADDRESS', 'ZONE', 'SIZE', 'LAUNCHED', 'SINCE', 'REPLACES'], rows.map((m) => [m.id, m.state, m.address ?? '-', m.zone, m.size, m.launchedAt, m.since, m.replaces ?? ''])));
}
