import { LIVE_STATES } from './lifecycle.js';
import type { Machine, PoolSpec } from './types.js';

/** What the controller saw of one pool, after folding the provider's view into each machine. */
export interface ObservedPool {
  /** The pool's machines that are not gone. */
  machines: readonly Machine[];
  /** Machines asked for by open launch intents and not yet seen, per zone. */
  pendingLaunches: ReadonlyMap<string, number>;
  /** Machines that died unasked and still await a replacement, oldest first. */
  unreplaced: readonly string[];
  /** `zone/size` pairs that recently ran out of capacity. */
  unavailable: ReadonlySet<string>;
  /** The template's sizes in preference order. */
  sizes: readonly string[];
  /** Scale-in drains machines before terminating them (pools whose machines run an agent). */
  drainFirst?: boolean | undefined;
  /** Busy counts agents report, by machine id: busy machines are drained last. */
  busy?: ReadonlyMap<string, number> | undefined;
  /** Draining machines whose drain is over, and why. */
  drainOver?: ReadonlyMap<string, 'Drained' | 'DrainTimeout'> | undefined;
  /** The mass-failure brake holds: unhealthy machines are neither terminated nor replaced. */
  healingPaused?: boolean | undefined;
  /** Most replacements in flight at once; unbounded when absent. */
  maxReplacing?: number | undefined;
  /** Order of a replacement's two halves; launch-first when absent. */
  replacement?: 'launch-first' | 'terminate-first' | undefined;
  /**
   * Machines a bulk operation is working on: they keep their slot whatever their state (a
   * stopped or unhealthy one is the operation's to judge). The controller also passes them as
   * `protected`, so scale-in never picks them.
   */
  held?: ReadonlySet<string> | undefined;
}

export type Action =
  | { kind: 'launch'; zone: string; size: string; count: number; replaces: string[]; reason: LaunchReason }
  | { kind: 'terminate'; ids: string[]; reason: TerminateReason }
  | { kind: 'drain'; ids: string[]; reason: 'ScaleIn' }
  | { kind: 'reclaim'; ids: string[]; reason: 'ScaleOut' }
  | { kind: 'stop'; ids: string[]; reason: 'Suspended' }
  | { kind: 'start'; ids: string[]; reason: 'Wake' };

export type LaunchReason = 'ScaleOut' | 'Replace';
export type TerminateReason = 'ScaleIn' | 'ReplaceUnhealthy' | 'Drained' | 'DrainTimeout';

export interface Plan {
  target: number;
  /** Machines that count toward the target, launches in flight included. */
  current: number;
  actions: Action[];
  /** Why the plan did less than it wanted to, in words. */
  notes: string[];
}

export const offeringKey = (zone: string, size: string): string => `${zone}/${size}`;

/**
 * Converges one pool toward its desired size. Pure: everything it needs is in its arguments.
 * - Unhealthy machines are terminated and replaced in the same plan (launch first unless told
 *   otherwise), at most `maxReplacing` at once, and not at all while the brake holds.
 * - Draining machines are reclaimed before anything new is launched; those whose drain is over go.
 * - Missing capacity is launched, spread to keep zones balanced, bounded by `maxLaunching`.
 * - Surplus is removed by the deletion order: machines not yet ready first, then from the
 *   zone with the most machines, oldest (or newest) first; idle before busy; protected machines
 *   never. Pools with agents drain their surplus rather than terminate it.
 * - A suspended pool stops its machines and launches nothing (see planSuspended); a pool that
 *   keeps its stopped machines starts them again, before launching, once it is resumed.
 */
export function plan(spec: PoolSpec, observed: ObservedPool, _now: number): Plan {
  const target = Math.min(spec.max, Math.max(spec.min, spec.desired));
  if (spec.suspended) return planSuspended(spec, observed, target);
  const actions: Action[] = [];
  const notes: string[] = [];
  const stopped: string[] = [];

  const live: Machine[] = [];
  let unhealthy: string[] = [];
  const draining: Machine[] = [];
  let inFlight = 0;
  let replacing = 0;
  for (const m of observed.machines) {
    if (m.state === 'draining') draining.push(m);
    const isHeld = observed.held?.has(m.id) === true;
    if (m.state === 'stopped' && spec.keepStopped && !isHeld) stopped.push(m.id);
    if (!LIVE_STATES.has(m.state) && !(isHeld && m.state === 'stopped')) continue;
    if (m.state === 'unhealthy' && !isHeld) unhealthy.push(m.id);
    else live.push(m);
    if (m.state === 'requested' || m.state === 'launching' || m.state === 'booting') {
      inFlight++;
      if (m.replaces) replacing++;
    }
  }
  let pending = 0;
  for (const n of observed.pendingLaunches.values()) pending += n;
  inFlight += pending;
  // Unhealthy machines that are not being replaced now keep their slot, so a paused or
  // rate-bounded pool does not "scale out" around them.
  let kept = 0;
  if (observed.healingPaused) {
    if (unhealthy.length > 0) notes.push(`healing paused: ${unhealthy.length} unhealthy machines left in place`);
    kept = unhealthy.length;
    unhealthy = [];
  } else if (observed.maxReplacing !== undefined) {
    const slots = Math.max(0, observed.maxReplacing - replacing);
    if (unhealthy.length > slots) notes.push(`replacing ${slots} of ${unhealthy.length} unhealthy now: ${replacing} replacements in flight (maxReplacing ${observed.maxReplacing})`);
    kept = Math.max(0, unhealthy.length - slots);
    unhealthy = unhealthy.slice(0, slots);
  }
  const terminateFirst = observed.replacement === 'terminate-first';
  if (unhealthy.length > 0 && terminateFirst) actions.push({ kind: 'terminate', ids: unhealthy, reason: 'ReplaceUnhealthy' });

  const drainedIds = new Set(observed.drainOver?.keys() ?? []);
  let current = live.length + pending + kept;
  if (current < target) {
    // A draining machine is capacity already paid for and warm: take it back before launching.
    const reclaim = draining.filter((m) => !drainedIds.has(m.id)).slice(0, target - current).map((m) => m.id);
    if (reclaim.length > 0) actions.push({ kind: 'reclaim', ids: reclaim, reason: 'ScaleOut' });
    current += reclaim.length;
  }
  if (stopped.length > 0) {
    // The pool's own stopped machines come back before anything new is launched; those it no longer needs go.
    const wake = stopped.splice(0, Math.max(0, target - current));
    if (wake.length > 0) actions.push({ kind: 'start', ids: wake, reason: 'Wake' });
    if (stopped.length > 0) actions.push({ kind: 'terminate', ids: stopped, reason: 'ScaleIn' });
    current += wake.length;
  }
  if (current < target) {
    const room = Math.max(0, spec.maxLaunching - inFlight);
    const want = Math.min(target - current, room);
    if (want < target - current) notes.push(`launching ${want} of ${target - current} now: ${inFlight} already in flight (maxLaunching ${spec.maxLaunching})`);
    actions.push(...launches(spec, observed, live, want, [...observed.unreplaced, ...unhealthy], notes));
  } else if (current > target) {
    const victims = chooseVictims(spec, live, current - target, observed.busy);
    if (victims.length < current - target) notes.push(`${current - target - victims.length} surplus machines are protected or still launching`);
    if (victims.length > 0) actions.push({ kind: observed.drainFirst ? 'drain' : 'terminate', ids: victims, reason: 'ScaleIn' });
  }
  if (unhealthy.length > 0 && !terminateFirst) actions.push({ kind: 'terminate', ids: unhealthy, reason: 'ReplaceUnhealthy' });
  for (const reason of ['Drained', 'DrainTimeout'] as const) {
    const ids = draining.filter((m) => observed.drainOver?.get(m.id) === reason).map((m) => m.id);
    if (ids.length > 0) actions.push({ kind: 'terminate', ids, reason });
  }
  return { target, current, actions, notes };
}

/**
 * A suspended pool: every running machine is stopped (those still being created once they
 * run), and stopped machines keep their slot, so nothing is launched, replaced or counted as
 * missing. Only a lower target (an environment released) removes machines, stopped ones first.
 * Machines an operation holds and draining ones are left to finish what they do.
 */
function planSuspended(spec: PoolSpec, observed: ObservedPool, target: number): Plan {
  const kept: Machine[] = [];
  const running: string[] = [];
  for (const m of observed.machines) {
    if (m.state === 'terminating' || m.state === 'gone') continue;
    kept.push(m);
    const stoppable = m.state !== 'stopped' && m.state !== 'draining' && m.state !== 'requested' && m.state !== 'launching';
    if (stoppable && observed.held?.has(m.id) !== true) running.push(m.id);
  }
  let current = kept.length;
  for (const n of observed.pendingLaunches.values()) current += n;
  const actions: Action[] = [];
  const victims = current > target ? chooseVictims(spec, kept, current - target, observed.busy) : [];
  const stop = running.filter((id) => !victims.includes(id));
  if (stop.length > 0) actions.push({ kind: 'stop', ids: stop, reason: 'Suspended' });
  if (victims.length > 0) actions.push({ kind: 'terminate', ids: victims, reason: 'ScaleIn' });
  const notes = [`suspended: ${kept.length - running.length} of ${kept.length} machines not running, ${stop.length} to stop; nothing launched or replaced`];
  return { target, current, actions, notes };
}

function launches(
  spec: PoolSpec,
  observed: ObservedPool,
  live: readonly Machine[],
  want: number,
  toReplace: string[],
  notes: string[],
): Action[] {
  if (want <= 0) return [];
  const sizeFor = new Map<string, string>();
  for (const zone of spec.zones) {
    const size = observed.sizes.find((s) => !observed.unavailable.has(offeringKey(zone, s)));
    if (size) sizeFor.set(zone, size);
  }
  if (sizeFor.size === 0) {
    notes.push(`no zone has capacity for any size: waiting for capacity to return in ${spec.zones.join(', ')}`);
    return [];
  }
  const counts = new Map<string, number>([...sizeFor.keys()].map((z) => [z, observed.pendingLaunches.get(z) ?? 0]));
  for (const m of live) if (counts.has(m.zone)) counts.set(m.zone, counts.get(m.zone)! + 1);
  const added = new Map<string, number>();
  for (let i = 0; i < want; i++) {
    let best = '';
    let bestCount = Number.POSITIVE_INFINITY;
    for (const [zone, n] of counts) if (n < bestCount) [best, bestCount] = [zone, n];
    counts.set(best, bestCount + 1);
    added.set(best, (added.get(best) ?? 0) + 1);
  }
  const out: Action[] = [];
  for (const [zone, count] of added) {
    const replaces = toReplace.splice(0, count);
    out.push({ kind: 'launch', zone, size: sizeFor.get(zone)!, count, replaces, reason: replaces.length > 0 ? 'Replace' : 'ScaleOut' });
  }
  return out;
}

function chooseVictims(spec: PoolSpec, live: readonly Machine[], surplus: number, busy?: ReadonlyMap<string, number>): string[] {
  const older = spec.deletionOrder === 'oldest-first' ? 1 : -1;
  const busyOf = (m: Machine): number => busy?.get(m.id) ?? 0;
  const rank = (a: Machine, b: Machine): number =>
    Number(a.state === 'ready') - Number(b.state === 'ready') ||
    busyOf(a) - busyOf(b) ||
    older * (a.launchedAt - b.launchedAt) ||
    (a.id < b.id ? -1 : 1);
  const byZone = new Map<string, Machine[]>();
  const zoneSize = new Map<string, number>();
  for (const m of live) {
    zoneSize.set(m.zone, (zoneSize.get(m.zone) ?? 0) + 1);
    if (m.protected) continue;
    let list = byZone.get(m.zone);
    if (!list) byZone.set(m.zone, (list = []));
    list.push(m);
  }
  for (const list of byZone.values()) list.sort(rank);
  const next = new Map<string, number>([...byZone.keys()].map((z) => [z, 0]));
  const victims: string[] = [];
  while (victims.length < surplus) {
    let zone: string | undefined;
    for (const [z, list] of byZone) {
      const i = next.get(z)!;
      if (i >= list.length) continue;
      if (zone === undefined) { zone = z; continue; }
      const a = list[i]!;
      const b = byZone.get(zone)![next.get(zone)!]!;
      // Idle before busy wins over zone balance: draining a busy machine costs work in progress.
      const idler = busyOf(a) - busyOf(b);
      const diff = zoneSize.get(z)! - zoneSize.get(zone)!;
      if (idler < 0 || (idler === 0 && (diff > 0 || (diff === 0 && rank(a, b) < 0)))) zone = z;
    }
    if (zone === undefined) break;
    const i = next.get(zone)!;
    victims.push(byZone.get(zone)![i]!.id);
    next.set(zone, i + 1);
    zoneSize.set(zone, zoneSize.get(zone)! - 1);
  }
  return victims;
}
