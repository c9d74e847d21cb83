import { useEffect, useRef, useState } from 'preact/hooks';
import { authHeaders, HttpError, type FleetEvent } from './api.js';
import { subscribeLive } from './live.js';
import { STATES, type State } from './states.js';
import type { MachineRow, PoolSummary } from './types.js';
import type { PoolFetchAnswer, PoolFetchRequest } from './pool-fetch.worker.js';

/** A full refetch when no event came for this long (conditions, addresses and counts that no event carries). */
const POLL_MS = 15_000;
/** Refetches that events ask for (a launch, a machine not seen yet) are held to one in this long. */
const REFETCH_GAP_MS = 2_000;

/** The state a machine is in after `e`, when the event says so; undefined when it does not. */
export function stateAfter(e: Pick<FleetEvent, 'reason' | 'data'>): State | undefined {
  const to = e.data?.to;
  if (typeof to === 'string' && (STATES as readonly string[]).includes(to)) return to as State;
  // These write no `to`: their reason names where the machine went.
  if (e.reason === 'Terminating') return 'terminating';
  if (e.reason === 'Draining') return 'draining';
  if (e.reason === 'Reclaimed') return 'ready';
  return undefined;
}

type Change = { id: string; state: State; at: string };

export interface Machines {
  /** Sorted by id, so a machine keeps its cell as states change. */
  list: readonly MachineRow[];
  index: ReadonlyMap<string, number>;
}

const EMPTY: Machines = { list: [], index: new Map() };

/** Applies a refresh: the machines that changed in place, or a new order when machines came or went. */
export function applyRefresh(from: Machines, order: readonly string[] | null, changed: readonly MachineRow[]): Machines {
  if (!order && changed.length === 0) return from;
  if (!order) {
    const list = [...from.list];
    for (const m of changed) list[from.index.get(m.id)!] = m;
    return { list, index: from.index };
  }
  const byId = new Map(from.list.map((m) => [m.id, m]));
  for (const m of changed) byId.set(m.id, m);
  return { list: order.map((id) => byId.get(id)!), index: new Map(order.map((id, i) => [id, i])) };
}

/** Applies state changes to the machines they name; returns the same object when none applied. */
export function patchStates(from: Machines, changes: readonly Change[]): Machines {
  let list: MachineRow[] | undefined;
  for (const c of changes) {
    const i = from.index.get(c.id);
    if (i === undefined) continue;
    const m = (list ?? from.list)[i]!;
    if (m.state === c.state) continue;
    list ??= [...from.list];
    list[i] = { ...m, state: c.state, since: c.at };
  }
  return list ? { list, index: from.index } : from;
}

/**
 * A pool's detail and machines, kept current by the live stream: an event that moves a machine to
 * a new state repaints that machine alone; anything the events cannot say (a new machine, a
 * condition) asks for a fresh copy, at most one per REFETCH_GAP_MS, so a burst of thousands of
 * events never means thousands of downloads of 10,000 machines.
 */
export function useLivePool(name: string): { pool: PoolSummary | undefined; machines: Machines; error: string | undefined } {
  const path = `/api/v1/pools/${encodeURIComponent(name)}`;
  const [pool, setPool] = useState<PoolSummary>();
  const [machines, setMachines] = useState<Machines>(EMPTY);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let alive = true;
    let rows = EMPTY;
    // Changes seen while a refetch is in flight, applied again to its (older) answer.
    let sinceFetch: Change[] | null = null;
    let last = 0;
    let timer: number | undefined;
    let busy = false;
    let again = false;
    // Machines changed here from events since the last refresh: the worker sends them again.
    let patched = new Set<string>();
    const worker = new Worker(new URL('./pool-fetch.worker.ts', import.meta.url), { type: 'module' });
    let answered: ((a: PoolFetchAnswer) => void) | undefined;
    worker.onmessage = (e: MessageEvent<PoolFetchAnswer>) => answered?.(e.data);
    const refresh = (): Promise<PoolFetchAnswer> =>
      new Promise((resolve) => {
        answered = resolve;
        const request: PoolFetchRequest = { path, headers: authHeaders(), stale: [...patched] };
        patched = new Set();
        worker.postMessage(request);
      });
    const show = (next: Machines) => {
      if (next === rows) return;
      rows = next;
      setMachines(next);
    };
    const load = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      last = performance.now();
      sinceFetch = [];
      try {
        const a = await refresh();
        if (!alive) return;
        if (!a.ok) throw new HttpError(a.status, a.code, a.message);
        performance.mark('pool-update');
        show(patchStates(applyRefresh(rows, a.order, a.changed), sinceFetch));
        setPool(a.pool);
        setError(undefined);
      } catch (e) {
        if (alive) setError((e as Error).message);
      } finally {
        busy = false;
        sinceFetch = null;
        if (alive) schedule(again ? REFETCH_GAP_MS : POLL_MS);
        again = false;
      }
    };
    const schedule = (ms: number) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => void load(), Math.max(0, last + ms - performance.now()));
    };
    const unsubscribe = subscribeLive((events) => {
      const changes: Change[] = [];
      let refetch = false;
      for (const e of events) {
        if (e.pool !== name) continue;
        const state = e.machine ? stateAfter(e) : undefined;
        if (e.machine && state && rows.index.has(e.machine)) changes.push({ id: e.machine, state, at: e.at });
        // A new machine, a gone one, a condition: only a fresh copy says what the pool is now.
        if (!e.machine || !state || state === 'gone' || !rows.index.has(e.machine)) refetch = true;
      }
      if (changes.length) {
        performance.mark('pool-update');
        sinceFetch?.push(...changes);
        for (const c of changes) patched.add(c.id);
        show(patchStates(rows, changes));
      }
      if (!refetch) return;
      if (busy) again = true;
      else schedule(REFETCH_GAP_MS);
    });
    void load();
    return () => {
      alive = false;
      worker.terminate();
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [path, name]);
  return { pool, machines, error };
}

/** `value`, but changing at most once per `ms` (the last change of a burst still comes through). */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value);
  const lastAt = useRef(0);
  useEffect(() => {
    const wait = lastAt.current + ms - performance.now();
    const timer = window.setTimeout(
      () => {
        lastAt.current = performance.now();
        setShown(value);
      },
      Math.max(0, wait),
    );
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return shown;
}
