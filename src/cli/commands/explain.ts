import type { ApiClient } from '../client.js';
import { wholeNumberFlag } from '../flags.js';
import { formatExplain, type DecisionsPage } from '../explain-format.js';
import { printJson, println } from '../output.js';

/** `flotte explain POOL`: the pool's last autoscaling decisions, in plain words or as JSON. */
export async function explainCommand(client: ApiClient, pool: string, opts: { json?: boolean; limit: string }): Promise<void> {
  const page = await client.get<DecisionsPage>(`/api/v1/pools/${encodeURIComponent(pool)}/decisions?limit=${wholeNumberFlag('--limit', opts.limit, 1)}`);
  if (opts.json) return printJson(page);
  println(formatExplain(page));
}
