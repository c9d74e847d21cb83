import { DEFAULT_HEALTH } from '../../domain/health.js';
import { idleSignals, type IdlePolicy, type IdleSignals, type MachineSignal } from '../../domain/environments/idle.js';
import type { Environment } from '../../domain/environments/types.js';
import type { HeartbeatsPort, MachinesPort, PoolsPort } from '../../store/ports.js';

/** Shown (never acted on) for templates without an idle policy. */
export const SHOWN_IDLE_POLICY: IdlePolicy = { afterMs: Number.POSITIVE_INFINITY, maxCpu: 0.1 };

/** Reads an environment's machines and their agents' last reports (fresh within the heartbeat timeout) into idle signals. */
export async function envIdleSignals(store: PoolsPort & MachinesPort & HeartbeatsPort, env: Environment, policy: IdlePolicy, now: number): Promise<IdleSignals> {
  const machines: MachineSignal[] = [];
  for (const r of env.roles) {
    const timeoutMs = ((await store.getPool(r.pool))?.health ?? DEFAULT_HEALTH).heartbeatTimeoutMs;
    for (const m of await store.listMachines({ pool: r.pool })) {
      if (m.state === 'terminating') continue;
      const b = await store.getHeartbeat(m.id);
      const fresh = b !== undefined && now - b.lastAt <= timeoutMs;
      machines.push({ machine: m.id, role: r.name, state: m.state, ...(fresh ? { report: { busy: b.busy, sessions: b.sessions ?? 0, cpu: b.load.cpu, at: b.lastAt } } : {}) });
    }
  }
  return idleSignals(machines, policy);
}
