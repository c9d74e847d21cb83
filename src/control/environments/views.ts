import { primaryAddress } from '../../domain/addresses.js';
import type { IdleSignals } from '../../domain/environments/idle.js';
import type { ReadinessResult } from '../../domain/environments/readiness.js';
import { ENV_ACTIVE, WARM_OWNER, type Environment } from '../../domain/environments/types.js';
import { envIdleSignals, SHOWN_IDLE_POLICY } from './idle-signals.js';
import type { EnvContext } from './model.js';

/** Progress of one role, read from its pool's machines. */
export interface RoleView {
  name: string;
  pool: string;
  count: number;
  ready: number;
  /** With its agent's last readiness result, for roles with a check. */
  machines: { id: string; state: string; address?: string | undefined; readiness?: ReadinessResult | undefined }[];
}

/**
 * Why a running environment is (not) idle: its agents' signals, and when it stops if the
 * template stops idle ones (`autoStop`). Absent while the environment is not running.
 */
export interface IdleView extends IdleSignals {
  autoStop: boolean;
  afterMs?: number | undefined;
  maxCpu: number;
  since?: number | undefined;
  stopsAt?: number | undefined;
}

export type EnvView = Environment & { roleStatus: RoleView[]; idle?: IdleView | undefined };

/** An environment with its roles' progress and, while it runs, why it is (not) idle. */
export async function viewOf(ctx: EnvContext, env: Environment): Promise<EnvView> {
  const roleStatus: RoleView[] = [];
  for (const r of env.roles) {
    const machines = ENV_ACTIVE.has(env.status) ? await ctx.store.listMachines({ pool: r.pool }) : [];
    const shown: RoleView['machines'] = [];
    for (const m of machines) {
      const readiness = r.ready ? (await ctx.store.getHeartbeat(m.id))?.readiness : undefined;
      const address = primaryAddress(m.addresses);
      shown.push({ id: m.id, state: m.state, ...(address ? { address } : {}), ...(readiness ? { readiness } : {}) });
    }
    roleStatus.push({ name: r.name, pool: r.pool, count: r.count, ready: machines.filter((m) => m.state === 'ready').length, machines: shown });
  }
  return { ...env, roleStatus, ...(env.status === 'ready' || env.status === 'starting' ? { idle: await idleViewOf(ctx, env) } : {}) };
}

async function idleViewOf(ctx: EnvContext, env: Environment): Promise<IdleView> {
  const policy = (await ctx.templates()).get(env.template)?.idle;
  const signals = await envIdleSignals(ctx.store, env, policy ?? SHOWN_IDLE_POLICY, ctx.clock.now());
  const since = signals.idle ? env.idleSince : undefined;
  return {
    ...signals,
    autoStop: policy !== undefined && env.owner !== WARM_OWNER,
    afterMs: policy?.afterMs,
    maxCpu: (policy ?? SHOWN_IDLE_POLICY).maxCpu,
    since,
    stopsAt: policy && since !== undefined ? since + policy.afterMs : undefined,
  };
}
