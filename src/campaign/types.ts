/** The kinds of trouble a campaign can inject, each a named entry of the catalogue (see catalogue.ts). */
export const FAULT_KINDS = [
  'throttle-storm',
  'outage',
  'partial-outage',
  'capacity',
  'slow-answers',
  'eventual-consistency',
  'death',
  'mass-death',
  'lost-reply',
  'forget-token',
  'crash',
  'store-write-failure',
  'config-apply',
  'api-scale',
  'restart-operation',
  'throttle-action',
  'partial-launch',
  'stale-deletes',
  'spot-interruption',
  // The world around the controller (world.ts): load, agents, people.
  'load-spike',
  'flapping-heartbeats',
  'controller-down',
  'env-rush',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Faults that only mean something with several controllers sharing the pools (HA mode, ha-world.ts). */
export const HA_FAULT_KINDS = ['clock-skew', 'controller-freeze'] as const;
export type HaFaultKind = (typeof HA_FAULT_KINDS)[number];
export type AnyFaultKind = FaultKind | HaFaultKind;
export const ALL_FAULT_KINDS: readonly AnyFaultKind[] = [...FAULT_KINDS, ...HA_FAULT_KINDS];

/** One scheduled fault: when (ms after the campaign's start), for how long, where, and how hard. */
export interface Fault {
  kind: AnyFaultKind;
  atMs: number;
  /** 0 for an instant fault (a death, a crash, a write through the API). */
  durationMs: number;
  /** Index of the pool it aims at, when it aims at one. */
  pool?: number | undefined;
  /** Kind-specific strength in [0, 1): a share, a delay or a count, scaled by the catalogue. */
  level: number;
}

/** Everything a run depends on: replaying it gives the same run. */
export interface Schedule {
  seed: number;
  hours: number;
  pools: number;
  faults: Fault[];
  /** Set for an HA run: how many controllers share the pools (on PostgreSQL). */
  controllers?: number | undefined;
}

export interface Violation {
  invariant: InvariantName;
  /** Virtual ms after the campaign's start. */
  atMs: number;
  message: string;
}

export const INVARIANTS = ['no-leak', 'no-double', 'no-unasked-harm', 'convergence', 'operations-end', 'reboot-once', 'brake-honest', 'tick-ends', 'single-actor', 'fence-honoured', 'env-quota', 'env-expiry'] as const;
export type InvariantName = (typeof INVARIANTS)[number];

export interface RunResult {
  schedule: Schedule;
  virtualHours: number;
  ticks: number;
  faultsByKind: Partial<Record<AnyFaultKind, number>>;
  crashes: number;
  /** Individual invariant evaluations (one per invariant per tick, and one per cloud call checked). */
  checks: number;
  violations: Violation[];
  wallMs: number;
  /** Heap after a forced GC at each virtual day's end (only when the process runs with --expose-gc). */
  memory?: MemorySample[];
}

export interface MemorySample {
  hour: number;
  heapMB: number;
  rssMB: number;
}
