import type { ApiClient } from '../client.js';
import { printJson, println, table } from '../output.js';
import type { DriftList } from '../../api/contract/index.js';

/** `flotte drift [POOL]`: machines that no longer match their pool, or are past their lifetime, and what their roll-out does. */
export async function driftCommand(client: ApiClient, pool: string | undefined, opts: { json?: boolean }): Promise<void> {
  const body = await client.get<DriftList>(`/api/v1/drift${pool ? `?pool=${encodeURIComponent(pool)}` : ''}`);
  if (opts.json) return printJson(body);
  for (const p of body.pools) {
    const what = p.drifted + p.expired === 0 ? 'every machine matches' : `${p.drifted} drifted, ${p.expired} past their lifetime`;
    const how = p.operation ? `roll-out ${p.operation} running` : p.rollout === 'manual' ? 'rollout: manual (replace them with `flotte replace`)' : 'rollout: automatic';
    println(`${p.pool} (template v${p.templateVersion}): ${what}; ${how}${p.held ? `\n  held: ${p.held}` : ''}`);
  }
  if (body.machines.length === 0) return;
  println('');
  const due = (t: number | null) => (t === null ? '-' : new Date(t).toISOString());
  println(table(['POOL', 'MACHINE', 'STATE', 'VERSION', 'DRIFT', 'LIFETIME DUE'], body.machines.map((m) => [m.pool, m.machine, m.state, `v${m.templateVersion}`, m.reasons.join('; ') || '-', due(m.lifetimeDueAt)])));
}
