import type { ApiClient } from '../client.js';
import { printJson, println, table } from '../output.js';
import type { PoolDetail } from '../../api/contract/index.js';

export async function machinesCommand(client: ApiClient, pool: string, opts: { json?: boolean; state?: string }): Promise<void> {
  const body = await client.get<PoolDetail>(`/api/v1/pools/${encodeURIComponent(pool)}`);
  const rows = opts.state ? body.machines.filter((m) => m.state === opts.state) : body.machines;
  if (opts.json) return printJson(rows);
  println(table(['ID', 'STATE', 'ADDRESS', 'ZONE', 'SIZE', 'LAUNCHED', 'SINCE', 'REPLACES'], rows.map((m) => [m.id, m.state, m.address ?? '-', m.zone, m.size, m.launchedAt, m.since, m.replaces ?? ''])));
}
