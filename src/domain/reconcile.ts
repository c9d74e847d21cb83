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
  /** For machines that run an agent: whether it has joined and heartbeats within the timeout. */
  agent?: { joined: boolean },
): StateChange | null {
  const from = machine.state;
  if (from === 'gone') return null;

  if (!seen || seen.status === 'terminated') {
    if (!seen && now - machine.launchedAt < listGraceMs) return null;
    if (from === 'terminating') return change(from, 'gone', 'Terminated', 'terminated as asked');
    const cause = seen ? `the provider reports it terminated${seen.fault ? `: ${seen.fault}` : ''}` : 'no longer listed by the provider';
    return change(from, 'gone', 'Died', cause, true);
  }
  if (from === 'terminating') return null;

  switch (seen.status) {
    case 'error':
      return change(from, 'unhealthy', 'Unhealthy', `the provider reports an error${seen.fault ? `: ${seen.fault}` : ''}`);
    case 'pending':
      return from === 'requested' || from === 'launching' || from === 'stopped'
        ? change(from, 'booting', 'Booting', 'the provider is starting it')
        : null;
    case 'running':
      // Draining machines stay draining until the drain ends; that is the drain's decision.
      if (from === 'draining') return null;
      // With an agent, `ready` means the agent joined: running is only booting until then.
      if (agent && !agent.joined) {
        return from === 'requested' || from === 'launching' || from === 'stopped' || from === 'rebooting'
          ? change(from, 'booting', 'Booting', 'the provider reports it running; waiting for its agent to join')
          : null;
      }
      return change(from, 'ready', from === 'unhealthy' ? 'Recovered' : 'Ready', 'the provider reports it running');
    case 'rebooting':
      return from === 'ready' ? change(from, 'rebooting', 'Rebooting', 'the provider reports a reboot') : null;
    case 'stopping':
    case 'stopped':
      return from === 'draining' ? null : change(from, 'stopped', 'Stopped', `the provider reports it ${seen.status}`);
    case 'terminating':
      // Terminated by someone else (a spot reclaim, a person in the console): its capacity is lost now.
      return change(from, 'gone', 'Died', 'the provider is terminating it without flotte asking', true);
  }
}

// Module-level rather than a closure per call: this runs for every machine on every tick, and
// a per-call closure is a measurable share of a 500-machine tick (the planner replays months).
function change(from: MachineState, to: MachineState, reason: StateChange['reason'], cause: string, unexpected = false): StateChange | null {
  return from === to || !canTransition(from, to) ? null : { to, reason, cause, unexpected };
}
