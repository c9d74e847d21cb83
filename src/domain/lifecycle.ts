/**
 * Machine lifecycle.
 *
 *   requested ─► launching ─► booting ─► ready ─► draining ─► terminating ─► gone
 *                                 │        │  ▲        │            ▲
 *                                 ▼        ▼  │        └─(reclaim)──┘ (back to ready)
 *                             unhealthy  rebooting / stopped
 *
 * Any live state may go to `gone` (the provider lost it) or `unhealthy`; `gone` is final.
 */
export const MACHINE_STATES = [
  'requested',
  'launching',
  'booting',
  'ready',
  'draining',
  'terminating',
  'gone',
  'unhealthy',
  'rebooting',
  'stopped',
] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

const ALLOWED: Record<MachineState, readonly MachineState[]> = {
  requested: ['launching', 'booting', 'ready', 'terminating', 'gone'],
  launching: ['booting', 'ready', 'unhealthy', 'terminating', 'gone'],
  booting: ['ready', 'unhealthy', 'draining', 'terminating', 'stopped', 'gone'],
  ready: ['draining', 'unhealthy', 'rebooting', 'stopped', 'terminating', 'gone'],
  draining: ['ready', 'terminating', 'unhealthy', 'stopped', 'gone'],
  terminating: ['gone'],
  gone: [],
  unhealthy: ['ready', 'booting', 'rebooting', 'draining', 'terminating', 'stopped', 'gone'],
  rebooting: ['booting', 'ready', 'unhealthy', 'terminating', 'stopped', 'gone'],
  stopped: ['booting', 'ready', 'terminating', 'gone'],
};

export class IllegalTransition extends Error {
  constructor(
    readonly from: MachineState,
    readonly to: MachineState,
  ) {
    super(`illegal machine transition ${from} → ${to}`);
    this.name = 'IllegalTransition';
  }
}

export function canTransition(from: MachineState, to: MachineState): boolean {
  return ALLOWED[from].includes(to);
}

/** Returns `to` if the move is legal, else throws: callers never store an impossible history. */
export function transition(from: MachineState, to: MachineState): MachineState {
  if (!canTransition(from, to)) throw new IllegalTransition(from, to);
  return to;
}

/** States in which a machine counts toward the pool's size (it is, or will be, capacity). */
export const LIVE_STATES: ReadonlySet<MachineState> = new Set([
  'requested',
  'launching',
  'booting',
  'ready',
  'rebooting',
  'unhealthy',
]);

/** States in which a machine is still on the provider's bill. */
export function isPresent(state: MachineState): boolean {
  return state !== 'gone';
}
