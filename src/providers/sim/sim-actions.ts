import { ProviderError } from '../provider.js';
import { statusAt, type SimMachine } from './sim-machine.js';

/** The random draws an action may need; the cloud supplies them from its seeded generator. */
export interface Draws {
  bootMs(): number;
  rebootMs(): number;
  /** Absolute time a machine that becomes running at `readyAt` will die, or null for never. */
  diesAt(readyAt: number): number | null;
  /** How long shutting down (and stopping) lasts. */
  shutdownMs: number;
}

export type MachineAction = 'terminate' | 'reboot' | 'stop' | 'start';

/** Applies one action to one (settled) machine; returns why it was refused, or null if done. */
export type Transition = (m: SimMachine, now: number, d: Draws) => ProviderError | null;

function incorrectState(m: SimMachine, now: number, action: MachineAction): ProviderError {
  return new ProviderError(
    'invalid',
    `IncorrectInstanceState: cannot ${action} ${m.id} while it is ${statusAt(m, now)}`,
    { code: 'IncorrectInstanceState', zone: m.zone, size: m.size },
  );
}

export const TRANSITIONS: Record<MachineAction, Transition> = {
  terminate(m, now, d) {
    const s = statusAt(m, now);
    if (s === 'terminated' || s === 'terminating') return null;
    m.terminatingAt = now;
    m.terminatedAt = now + d.shutdownMs;
    m.diesAt = null;
    return null;
  },
  reboot(m, now, d) {
    if (statusAt(m, now) !== 'running') return incorrectState(m, now, 'reboot');
    m.rebootUntil = now + d.rebootMs();
    m.rebootedAt = now;
    m.reboots = (m.reboots ?? 0) + 1;
    return null;
  },
  stop(m, now, d) {
    const s = statusAt(m, now);
    if (s === 'stopped' || s === 'stopping') return null;
    if (s !== 'running' && s !== 'rebooting') return incorrectState(m, now, 'stop');
    m.stoppingAt = now;
    m.stoppedAt = now + d.shutdownMs;
    m.rebootUntil = undefined;
    m.diesAt = null;
    return null;
  },
  start(m, now, d) {
    const s = statusAt(m, now);
    if (s === 'running' || s === 'pending' || s === 'rebooting') return null;
    if (s !== 'stopped') return incorrectState(m, now, 'start');
    m.stoppingAt = undefined;
    m.stoppedAt = undefined;
    m.readyAt = now + d.bootMs();
    m.diesAt = d.diesAt(m.readyAt);
    return null;
  },
};
