import { primaryAddress } from '../../domain/addresses.js';
import { renderOutputs } from '../../domain/environments/instantiate.js';
import type { Environment } from '../../domain/environments/types.js';
import type { MachinesPort } from '../../store/ports.js';

/** Renders a template's outputs from the environment's ready machines and the addresses their provider reports. */
export async function outputsOf(store: MachinesPort, env: Environment, tpl: Record<string, string>): Promise<Record<string, string>> {
  const machines = new Map<string, string[]>();
  const addresses = new Map<string, string[]>();
  for (const r of env.roles) {
    const ready = (await store.listMachines({ pool: r.pool })).filter((m) => m.state === 'ready');
    machines.set(r.name, ready.map((m) => m.id));
    addresses.set(r.name, ready.flatMap((m) => primaryAddress(m.addresses) ?? []));
  }
  return renderOutputs(tpl, env, { machines, addresses });
}
