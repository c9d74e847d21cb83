import type { Logger } from 'pino';
import { sameAddresses } from '../../domain/addresses.js';
import { holdForLaunchHooks } from '../../domain/hooks.js';
import { reconcileMachine } from '../../domain/reconcile.js';
import { TAG, type FleetEvent, type PoolSpec } from '../../domain/types.js';
import type { Provider, ProviderMachine } from '../../providers/provider.js';
import { TERMINATE_RESEND_MS } from '../constants.js';
import type { PoolHealth } from '../health.js';
import { toMachine } from '../launcher.js';
import type { ProviderWatch } from '../provider-watch.js';
import { poolEvents } from './events.js';
import type { PoolTick } from './tick.js';

/** Provider → pool → what it lists with that pool's tags. A provider missing could not be read. */
export type Listed = Map<string, Map<string, ProviderMachine[]>>;

export interface ListDeps {
  providers: ReadonlyMap<string, Provider>;
  cluster: string;
  log: Logger;
  watch: ProviderWatch;
  onEvents?: ((events: FleetEvent[]) => void) | undefined;
  /**
   * The cluster's pools are shared among controllers (HA): each lists only the pools it holds, so
   * its list calls grow with what it owns, not with the cluster. Alone, one walk of the cluster.
   */
  shared?: boolean | undefined;
}

/** One list per provider per tick, shared by its pools; each outcome feeds the provider watch. */
export async function listByProvider(deps: ListDeps, pools: readonly PoolSpec[], now: number): Promise<Listed> {
  const out: Listed = new Map();
  const names = new Set(pools.map((p) => p.provider));
  await Promise.all(
    [...names].map(async (name) => {
      const provider = deps.providers.get(name);
      if (!provider) return deps.log.error({ provider: name }, 'pool names an unknown provider');
      const own = pools.filter((p) => p.provider === name).map((p) => p.name);
      const note = async (outcome: { ok: true } | { ok: false; error: string }) => {
        const events = await deps.watch.note(name, own, outcome, now);
        if (events.length > 0) deps.onEvents?.(events);
      };
      try {
        const byPool = new Map<string, ProviderMachine[]>();
        for (const pm of await provider.list({ cluster: deps.cluster, ...(deps.shared ? { pools: own } : {}) })) {
          const pool = pm.tags[TAG.pool];
          if (!pool) continue;
          let list = byPool.get(pool);
          if (!list) byPool.set(pool, (list = []));
          list.push(pm);
        }
        out.set(name, byPool);
      } catch (e) {
        deps.log.warn({ provider: name, err: e, at: now }, 'list failed; skipping its pools this tick');
        await note({ ok: false, error: e instanceof Error ? e.message : String(e) }).catch((err: unknown) => deps.log.error({ err, provider: name }, 'could not record the provider as unavailable'));
        return;
      }
      await note({ ok: true }).catch((err: unknown) => deps.log.error({ err, provider: name }, 'could not record the provider as answering'));
    }),
  );
  return out;
}

/** Adopts what carries the pool's tags but has no record (a crash between a launch and its record). */
export function adopt(t: PoolTick): void {
  for (const pm of t.seen) {
    if (t.machines.has(pm.id) || pm.status === 'terminated' || pm.status === 'terminating') continue;
    const m = toMachine(pm, t.spec, t.now);
    t.record(m);
    t.journal.add(poolEvents.adopted(m, pm, t.spec.name));
  }
}

/**
 * Folds the provider's view into each machine's lifecycle and addresses (clouds add some after
 * boot: a floating IP, a local agent's port). Only a machine that changed is recorded, so the
 * flush writes in proportion to changes. An unexpected death is noted for health and queued
 * for replacement. Returns the machines whose terminate is re-sent: marked terminating long
 * ago, still shown alive.
 */
export function fold(t: PoolTick, h: Pick<PoolHealth, 'agent' | 'joined'>): string[] {
  const { now, spec } = t;
  const byId = new Map<string, ProviderMachine>();
  for (const pm of t.seen) byId.set(pm.id, pm);
  const resend: string[] = [];
  // No copy of the pool: `record` only replaces or deletes (gone) the entry being visited, which a Map iteration allows.
  for (const m of t.machines.values()) {
    // Changed after this tick's list began (an operation recorded its reboot, stop or start
    // meanwhile): the list predates that change and must not undo it. The next tick sees.
    if (m.since > now) continue;
    const pm = byId.get(m.id);
    // A machine that never served waits for its launch hooks before it is ready (the hook phase moves it on).
    const change = holdForLaunchHooks(reconcileMachine(m, pm, now, t.provider.limits.listGraceMs, h.agent ? { joined: h.joined(m, now) } : undefined), m, spec.hooks);
    // A terminated machine's last addresses are kept: they say where it was.
    const readdressed = pm && pm.status !== 'terminated' && !sameAddresses(m.addresses, pm.addresses) ? { addresses: pm.addresses } : undefined;
    if (change) {
      if (change.unexpected || change.to === 'unhealthy') t.rt.health.noteFailure(spec, m, now);
      t.record({ ...m, ...readdressed, state: change.to, since: now, readyAt: change.to === 'ready' ? now : m.readyAt });
      t.journal.add(poolEvents.changed(m, change));
      if (change.unexpected) t.unreplaced.push(m.id);
      continue;
    }
    if (readdressed) t.record({ ...m, ...readdressed });
    if (m.state === 'terminating' && pm && pm.status !== 'terminating' && now - m.since > TERMINATE_RESEND_MS) resend.push(m.id);
  }
  return resend;
}
