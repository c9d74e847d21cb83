import { renderOutputs } from '../../domain/environments/instantiate.js';
import type { Environment } from '../../domain/environments/types.js';
import type { HeartbeatsPort, MachinesPort } from '../../store/ports.js';

/** Renders a template's outputs from the environment's ready machines and their agents' addresses. */
export async function outputsOf(store: MachinesPort & HeartbeatsPort, env: Environment, tpl: Record<string, string>): Promise<Record<string, string>> {
  const machines = new Map<string, string[]>();
  const addresses = new Map<string, string[]>();
  for (const r of env.roles) {
    const ready = (await store.listMachines({ pool: r.pool })).filter((m) => m.state === 'ready');
    machines.set(r.name, ready.map((m) => m.id));
    const addrs: string[] = [];
    for (const m of ready) {
      const a = (await store.getHeartbeat(m.id))?.address;
      if (a) addrs.push(a);
    }
    addresses.set(r.name, addrs);
  }
  return renderOutputs(tpl, env, { machines, addresses });
}
