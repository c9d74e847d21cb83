import { readinessVerdict, type ReadinessVerdict, type RoleReadiness } from '../../domain/environments/readiness.js';
import type { Environment } from '../../domain/environments/types.js';
import { DEFAULT_HEALTH } from '../../domain/health.js';
import type { HeartbeatsPort, MachinesPort, PoolsPort } from '../../store/ports.js';

/**
 * Reads an environment's machines and, for roles with a readiness check, each ready machine's
 * last check result from its agent's heartbeat (a heartbeat older than the pool's timeout says
 * nothing), and judges them `elapsedMs` after the wait began (readinessVerdict).
 */
export async function envReadiness(store: PoolsPort & MachinesPort & HeartbeatsPort, env: Environment, now: number, elapsedMs: number): Promise<ReadinessVerdict> {
  const roles: RoleReadiness[] = [];
  for (const r of env.roles) {
    const timeoutMs = r.ready ? ((await store.getPool(r.pool))?.health ?? DEFAULT_HEALTH).heartbeatTimeoutMs : 0;
    const machines: RoleReadiness['machines'] = [];
    for (const m of await store.listMachines({ pool: r.pool })) {
      const beat = r.ready && m.state === 'ready' ? await store.getHeartbeat(m.id) : undefined;
      machines.push({ id: m.id, state: m.state, result: beat && now - beat.lastAt <= timeoutMs ? beat.readiness : undefined });
    }
    roles.push({ role: r.name, count: r.count, readyTimeoutMs: r.readyTimeoutMs, check: r.ready, machines });
  }
  return readinessVerdict(roles, elapsedMs);
}
