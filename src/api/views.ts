import { primaryAddress } from '../domain/addresses.js';
import { redactSpec } from './redact.js';
import { MACHINE_STATES, type MachineState } from '../domain/lifecycle.js';
import type { Machine, PoolSpec } from '../domain/types.js';

export type StateCounts = Record<MachineState, number>;

export function countStates(machines: readonly Machine[]): StateCounts {
  const counts = Object.fromEntries(MACHINE_STATES.map((s) => [s, 0])) as StateCounts;
  for (const m of machines) counts[m.state]++;
  return counts;
}

/** A pool as the API shows it: its spec plus how many machines are in each state. */
export function poolView(spec: PoolSpec, machines: readonly Machine[]) {
  const counts = countStates(machines);
  return { ...redactSpec(spec), ready: counts.ready, counts };
}

export function machineView(m: Machine, drift?: readonly string[]) {
  return {
    id: m.id,
    pool: m.pool,
    provider: m.provider,
    zone: m.zone,
    size: m.size,
    state: m.state,
    since: new Date(m.since).toISOString(),
    launchedAt: new Date(m.launchedAt).toISOString(),
    readyAt: m.readyAt === undefined ? null : new Date(m.readyAt).toISOString(),
    templateVersion: m.templateVersion,
    replaces: m.replaces ?? null,
    protected: m.protected,
    labels: m.labels,
    address: primaryAddress(m.addresses) ?? null,
    addresses: m.addresses,
    ...(drift?.length ? { drift: [...drift] } : {}),
  };
}
