import type { MachineState } from './lifecycle.js';
import { canTransition } from './lifecycle.js';
import type { Machine } from './types.js';

/** The provider's view of a machine, reduced to what the lifecycle needs. */
export interface SeenMachine {
  status: 'pending' | 'running' | 'rebooting' | 'stopping' | 'stopped' | 'terminating' | 'terminated' | 'error';
  fault?: string | undefined;
}

export interface StateChange {
  to: MachineState;
  /** Fixed reason string for the event. */
  reason: 'Booting' | 'Ready' | 'Died' | 'Terminated' | 'Unhealthy' | 'Rebooting' | 'Stopped' | 'Recovered';
  cause: string;
  /** The machine went away without flotte asking: it needs a replacement. */
  unexpected: boolean;
}

/**
 * Folds what the provider reports into the machine's lifecycle state. `seen` is undefined
 * when the provider did not list the machine: that means gone only once the machine is
 * older than the provider's list grace, because clouds list new machines late.
 */
export function reconcileMachine(
  machine: Machine,
  seen: SeenMachine | undefined,
  now: number,
  listGraceMs: number,
): StateChange | null {
  const from = machine.state;
  if (from === 'gone') return null;
  const change = (to: MachineState, reason: StateChange['reason'], cause: string, unexpected = false) =>
    from === to || !canTransition(from, to) ? null : { to, reason, cause, unexpected };

  if (!seen || seen.status === 'terminated') {
    if (!seen && now - machine.launchedAt < listGraceMs) return null;
    if (from === 'terminating') return change('gone', 'Terminated', 'terminated as asked');
    const cause = seen ? `the provider reports it terminated${seen.fault ? `: ${seen.fault}` : ''}` : 'no longer listed by the provider';
    return change('gone', 'Died', cause, true);
  }
  if (from === 'terminating') return null;

  switch (seen.status) {
    case 'error':
      return change('unhealthy', 'Unhealthy', `the provider reports an error${seen.fault ? `: ${seen.fault}` : ''}`);
    case 'pending':
      return from === 'requested' || from === 'launching' || from === 'stopped'
        ? change('booting', 'Booting', 'the provider is starting it')
        : null;
    case 'running':
      // Draining machines stay draining until the drain ends; that is the drain's decision.
      if (from === 'draining') return null;
      return change('ready', from === 'unhealthy' ? 'Recovered' : 'Ready', 'the provider reports it running');
    case 'rebooting':
      return from === 'ready' ? change('rebooting', 'Rebooting', 'the provider reports a reboot') : null;
    case 'stopping':
    case 'stopped':
      return from === 'draining' ? null : change('stopped', 'Stopped', `the provider reports it ${seen.status}`);
    case 'terminating':
      // Terminated by someone else (a spot reclaim, a person in the console): its capacity is lost now.
      return change('gone', 'Died', 'the provider is terminating it without flotte asking', true);
  }
}
