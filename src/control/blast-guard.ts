import { blastBudget, DEFAULT_BLAST_RADIUS, holdBack } from '../domain/blast-radius.js';
import type { Action } from '../domain/plan.js';
import type { PoolSpec } from '../domain/types.js';
import type { ConditionsPort } from '../store/ports.js';
import { BLAST_RADIUS_INTERVAL_MS } from './constants.js';
import { poolEvents } from './pool/events.js';
import type { PoolScope } from './pool/tick.js';

/** What the guard reads and writes of a pool's tick. */
type GuardTick = Pick<PoolScope, 'spec' | 'machines' | 'journal' | 'now'>;

/** A scale-in's first step on a machine: a drain (agent pools) or a terminate. Drained machines' terminates were counted at their drain. */
const isScaleIn = (a: Action): a is Extract<Action, { kind: 'drain' | 'terminate' }> => (a.kind === 'drain' || a.kind === 'terminate') && a.reason === 'ScaleIn';

/**
 * Applies the blast-radius guard to a pool's planned actions: scale-in of healthy machines beyond
 * the pool's share per interval, for one change (one size asked, by a scale, an apply or the
 * autoscaler), is held for a later tick (the level-triggered planner proposes it
 * again), and the pool carries `BlastRadiusHold` while anything is held. Bulk operations do not
 * pass here: they replace or reboot within their own max-unavailable budget and never shrink a pool.
 */
export class BlastGuard {
  /** Pool → healthy machines let go, with when and for which change. */
  private readonly taken = new Map<string, { at: number; n: number; source: number }[]>();
  /** Pool → the hold message last stored ('' once cleared). */
  private readonly shown = new Map<string, string>();
  /** Pool → the size last seen and the change it belongs to: a new size is a new change. */
  private readonly change = new Map<string, { desired: number; seq: number }>();
  private seq = 0;
  /** Pool → when its current hold began. */
  private readonly since = new Map<string, number>();

  constructor(private readonly store: ConditionsPort) {}

  async guard(t: GuardTick, actions: Action[]): Promise<Action[]> {
    const { spec, machines, now } = t;
    // Each change is its own source: a second, separate request is a second decision and gets its
    // own share. Seen every tick, so the same size asked again later is a new change too.
    let change = this.change.get(spec.name);
    if (change?.desired !== spec.desired) this.change.set(spec.name, (change = { desired: spec.desired, seq: ++this.seq }));
    const source = change.seq;
    // Most ticks shrink nothing: then no machine is counted. An environment's machines are one
    // person's own, and stopping or destroying it is the request itself.
    if (spec.keepStopped || !actions.some(isScaleIn)) {
      await this.show(t, '', 0);
      return actions;
    }
    const recent = (this.taken.get(spec.name) ?? []).filter((t) => now - t.at < BLAST_RADIUS_INTERVAL_MS);
    this.taken.set(spec.name, recent);
    const share = spec.blastRadius ?? DEFAULT_BLAST_RADIUS;
    let healthy = 0;
    for (const m of machines.values()) if (m.state === 'ready') healthy++;
    const taken = recent.reduce((n, t) => (t.source === source ? n + t.n : n), 0);
    let budget = blastBudget({ healthy, taken, share, allowed: spec.destroyAllowedTo !== undefined && spec.destroyAllowedTo === spec.desired });
    let wanted = 0;
    let held = 0;
    let went = 0;
    const out: Action[] = [];
    for (const a of actions) {
      if (!isScaleIn(a)) {
        out.push(a);
        continue;
      }
      // Machines that are not serving (stopped, still booting) are no blast: only healthy ones count.
      const isHealthy = (id: string) => machines.get(id)?.state === 'ready';
      const healthyIds = a.ids.filter(isHealthy);
      const split = holdBack(healthyIds, budget);
      budget -= split.go.length;
      wanted += healthyIds.length;
      held += split.held.length;
      went += split.go.length;
      const ids = a.ids.filter((id) => !isHealthy(id) || split.go.includes(id));
      if (ids.length > 0) out.push({ ...a, ids });
    }
    if (went > 0) recent.push({ at: now, n: went, source });
    await this.show(t, held > 0 ? this.message(spec, { held, wanted, base: healthy + taken, share }) : '', held);
    return out;
  }

  private message(spec: PoolSpec, n: { held: number; wanted: number; base: number; share: number }): string {
    const { held, wanted, base, share } = n;
    const limit = Math.max(1, Math.floor(share * base));
    return `${held} of ${wanted} scale-in terminations held: at most ${limit} of ${base} healthy machines (${Math.round(share * 100)}%) go per ${BLAST_RADIUS_INTERVAL_MS / 1000} s; the rest follow in the next intervals. To let them go at once: \`flotte scale ${spec.name} ${spec.desired} --allow-destroy\` (or apply with --allow-destroy); set the pool's \`blastRadius\` to change the share`;
  }

  private async show(t: GuardTick, message: string, held: number): Promise<void> {
    const { spec, journal, now } = t;
    const last = this.shown.get(spec.name);
    if (last === message) return;
    this.shown.set(spec.name, message);
    if (message === '') {
      // Also clears a hold an earlier controller left (the first tick after a start).
      this.since.delete(spec.name);
      await this.store.clearCondition(spec.name, 'BlastRadiusHold');
      return;
    }
    if (!last) this.since.set(spec.name, now);
    await this.store.setCondition({ pool: spec.name, type: 'BlastRadiusHold', since: this.since.get(spec.name) ?? now, reason: 'ShareExceeded', message });
    if (!last) journal.add(poolEvents.blastRadiusHold(message, held, spec.blastRadius ?? DEFAULT_BLAST_RADIUS));
  }
}
