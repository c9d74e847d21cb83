import type { Machine } from '../../domain/types.js';
import type { ProviderMachine } from '../../providers/provider.js';
import type { PoolHealth } from '../health.js';
import { terminate } from '../pool/actuate.js';
import { poolEvents } from '../pool/events.js';
import type { PoolTick } from '../pool/tick.js';

/**
 * The hook phase of a pool's tick, between health and the plan, for pools with hooks:
 * - a machine that was never ready, is up (running; its agent joined, for agent pools) and
 *   held booting (see `holdForLaunchHooks`) runs its launch hooks, then is made ready; one
 *   ending in abandon has it terminated and queued for a replacement, which the plan launches;
 * - a terminating machine whose terminate hooks run is sent to the cloud once they end.
 * Rows of machines that no longer need them are deleted: launch runs once a machine served,
 * all of them once it is gone. Returns the terminating machines whose terminate this phase
 * decided this tick (held by their hooks, or sent): the fold's re-send leaves them be.
 */
export async function runHooks(t: PoolTick, h: Pick<PoolHealth, 'agent' | 'joined'>): Promise<ReadonlySet<string>> {
  const ctl = t.rt.hooks;
  const hooks = t.spec.hooks;
  const decided = new Set<string>();
  if (!ctl || !hooks) return decided;
  const { now, journal } = t;
  const all = await ctl.load(t.spec.name);
  const gone: string[] = [];
  const served: string[] = [];
  for (const [id, mine] of all) {
    const m = t.machines.get(id);
    if (!m) gone.push(id);
    else if (m.readyAt !== undefined && mine.has('launch')) served.push(id);
  }
  await ctl.prune(gone, served);

  let seen: Map<string, ProviderMachine> | undefined;
  const up = (m: Machine): boolean => {
    seen ??= new Map(t.seen.map((pm) => [pm.id, pm]));
    return seen.get(m.id)?.status === 'running' && (!h.agent || h.joined(m, now));
  };
  const abandoned: string[] = [];
  const released: string[] = [];
  for (const m of t.machines.values()) {
    const mine = all.get(m.id);
    if (m.state === 'booting' && m.readyAt === undefined && hooks.launch.length > 0) {
      // Hooks begin once the machine is up; begun, they go on to their end.
      if (!mine?.has('launch') && !up(m)) continue;
      const ended = await ctl.advance(t, m, mine, { transition: 'launch', cause: m.replaces ? `replaces ${m.replaces}` : 'Launched' });
      if (!ended) continue;
      if (ended.result === 'abandon' && ended.by) {
        journal.add(poolEvents.launchAbandoned(m, ended.by));
        abandoned.push(m.id);
      } else if (up(m)) {
        t.record({ ...m, state: 'ready', since: now, readyAt: now });
        journal.add(poolEvents.hooksPassed(m, hooks.launch.length));
      }
    } else if (m.state === 'terminating' && mine?.has('terminate') && !ctl.released.has(m.id)) {
      decided.add(m.id);
      if (await ctl.advance(t, m, mine, { transition: 'terminate', cause: 'Terminating' })) released.push(m.id);
    }
  }
  if (abandoned.length > 0) {
    // Replaced like a machine that died: the plan, right after this phase, launches for it.
    t.unreplaced.push(...abandoned);
    await terminate(t, abandoned, 'LaunchAbandoned');
  }
  if (released.length > 0) {
    await terminate(t, released, 'TerminateHooksEnded');
    for (const id of released) ctl.released.add(id);
  }
  return decided;
}
