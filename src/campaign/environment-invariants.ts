import { DEFAULT_HEALTH } from '../domain/health.js';
import { ENV_ACTIVE, ENV_LIVE, WARM_OWNER, type Environment } from '../domain/environments/types.js';
import type { EnvironmentsPort, HeartbeatsPort, MachinesPort, WithEnvironments } from '../store/ports.js';
import type { InvariantName } from './types.js';
import { ENV_ROLES, GLOBAL_CAPS, IDLE_AFTER_MS, USER_CAPS, USERS, type CampaignWorld } from './world.js';

type Violate = (invariant: InvariantName, key: string, atMs: number, message: string) => void;

/** What the engine tells the environment checks about the tick just run. */
export interface EnvTickFacts {
  atMs: number;
  /** When the environment reconciler began its pass this tick; undefined when it did not run (down, crashed). */
  reconciledAt: number | undefined;
  /** The pass ran without a crash or a refused store write. */
  clean: boolean;
  /** Longest virtual time between two ticks: the "one tick" of the bounds. */
  tickMs: number;
}

const iso = (t: number) => new Date(t).toISOString();
const MACHINES_PER_ENV = Object.values(ENV_ROLES).reduce((a, b) => a + b, 0);

/**
 * `env-quota`: no user, and not everyone together, ever holds more environments or machines
 * than the quotas allow, counted from the store's live environments and from the cloud's live
 * machines. `env-expiry`: an environment past its TTL is being destroyed by the first pass of
 * the reconciler after its time; idle stop comes within one tick of the idle window's end, and
 * never before it.
 */
export class EnvironmentInvariants {
  checks = 0;
  private readonly repo: EnvironmentsPort;
  /** Per environment, since when the campaign knows it idle and whole (no work, every machine ready and reporting). */
  private readonly idleFrom = new Map<string, number>();
  private readonly seenStopped = new Set<string>();

  constructor(
    private readonly store: MachinesPort & HeartbeatsPort & WithEnvironments,
    private readonly world: CampaignWorld,
    private readonly start: number,
    private readonly violate: Violate,
  ) {
    this.repo = store.environments;
  }

  async afterTick(t: EnvTickFacts): Promise<void> {
    const envs = await this.repo.list({ statuses: [...ENV_ACTIVE] });
    this.quotas(t, envs);
    await this.expiry(t, envs);
  }

  private quotas(t: EnvTickFacts, envs: readonly Environment[]): void {
    this.checks++;
    const poolOwner = new Map<string, Environment>();
    for (const e of envs) for (const r of e.roles) poolOwner.set(r.pool, e);
    const cloud = new Map<string, number>();
    for (const m of this.world.cloudNow) {
      if (m.status === 'terminating') continue;
      const env = poolOwner.get(m.tags['flotte:pool'] ?? '');
      if (env && env.owner !== WARM_OWNER) cloud.set(env.owner, (cloud.get(env.owner) ?? 0) + 1);
    }
    const mine = (u: string) => envs.filter((e) => e.owner === u);
    const count = (list: readonly Environment[]) => list.reduce((n, e) => n + e.roles.reduce((k, r) => k + r.count, 0), 0);
    for (const u of USERS) {
      const own = mine(u);
      if (own.length > USER_CAPS.environments || count(own) > USER_CAPS.machines) {
        this.violate('env-quota', `user/${u}/${own.map((e) => e.id).join(',')}`, t.atMs, `user ${u} holds ${own.length} environments (${count(own)} machines) over the quota of ${USER_CAPS.environments} (${USER_CAPS.machines} machines): ${own.map((e) => `${e.name} (${e.id}, ${e.status})`).join(', ')}`);
      }
      // The cloud may briefly hold a machine's replacement beside it: one environment's worth of slack, never more.
      const inCloud = cloud.get(u) ?? 0;
      if (inCloud > USER_CAPS.machines + MACHINES_PER_ENV) {
        this.violate('env-quota', `cloud/${u}/${own.map((e) => e.id).join(',')}`, t.atMs, `the cloud runs ${inCloud} machines of user ${u}'s environments (${own.map((e) => e.name).join(', ')}), over the quota of ${USER_CAPS.machines}`);
      }
    }
    const all = envs.filter((e) => e.owner !== WARM_OWNER);
    if (all.length > GLOBAL_CAPS.environments || count(all) > GLOBAL_CAPS.machines) {
      this.violate('env-quota', `global/${all.map((e) => e.id).join(',')}`, t.atMs, `${all.length} environments (${count(all)} machines) are live, over the global quota of ${GLOBAL_CAPS.environments} (${GLOBAL_CAPS.machines} machines): ${all.map((e) => `${e.name} of ${e.owner}`).join(', ')}`);
    }
  }

  private async expiry(t: EnvTickFacts, envs: readonly Environment[]): Promise<void> {
    const at = t.reconciledAt;
    const ms = (x: number) => `+${Math.round((x - this.start) / 1000)} s`;
    for (const e of envs) {
      const truth = this.world.envs.get(e.id);
      // TTL: a pass of the reconciler that began at or after the expiry must have started the destroy.
      if (at !== undefined && t.clean && ENV_LIVE.has(e.status)) {
        this.checks++;
        if (e.expiresAt <= at) {
          this.violate('env-expiry', `ttl/${e.id}`, t.atMs, `environment ${e.name} (${e.id}) of ${e.owner} expired at ${iso(e.expiresAt)} (${ms(e.expiresAt)}) and is still ${e.status} after the reconciler's pass at ${ms(at)}`);
        }
      }
      if (!truth || truth.readyAt === undefined) continue;
      const activeUntil = truth.readyAt + truth.activeMs;
      const whole = e.status === 'ready' && at !== undefined && (await this.whole(e, at));
      // The idle stretch the reconciler can see: no work, every machine ready and reporting, and a pass that ran cleanly.
      if (!whole || at === undefined || !t.clean || at < activeUntil) this.idleFrom.delete(e.id);
      else if (!this.idleFrom.has(e.id)) this.idleFrom.set(e.id, at);
      if (e.status === 'stopped' && e.reason?.startsWith('idle for') && !this.seenStopped.has(e.id)) {
        this.seenStopped.add(e.id);
        this.checks++;
        if (at !== undefined && at < activeUntil + IDLE_AFTER_MS) {
          this.violate('env-expiry', `idle-early/${e.id}`, t.atMs, `environment ${e.name} (${e.id}) of ${e.owner} was stopped as idle at ${ms(at)}, but its person worked on it until ${ms(activeUntil)}: the idle window of ${IDLE_AFTER_MS / 60_000} min ends at ${ms(activeUntil + IDLE_AFTER_MS)}`);
        }
      }
      const from = this.idleFrom.get(e.id);
      if (e.status === 'ready' && from !== undefined && at !== undefined) {
        this.checks++;
        const due = from + IDLE_AFTER_MS;
        if (at > due + t.tickMs) {
          this.violate('env-expiry', `idle-late/${e.id}/${from}`, t.atMs, `environment ${e.name} (${e.id}) of ${e.owner} has been idle since ${ms(from)} and is still running at ${ms(at)}: idle stop was due at ${ms(due)} (window ${IDLE_AFTER_MS / 60_000} min, one tick ${t.tickMs / 1000} s)`);
        }
      }
    }
  }

  /** Every machine of every role is ready in the store and its agent reported within the timeout. */
  private async whole(e: Environment, at: number): Promise<boolean> {
    for (const r of e.roles) {
      const ms = (await this.store.listMachines({ pool: r.pool })).filter((m) => m.state !== 'terminating');
      if (ms.length !== r.count || ms.some((m) => m.state !== 'ready')) return false;
      for (const m of ms) {
        const b = await this.store.getHeartbeat(m.id);
        if (!b || at - b.lastAt > DEFAULT_HEALTH.heartbeatTimeoutMs) return false;
      }
    }
    return true;
  }
}
