import type { ProviderMachine, ProviderStatus } from '../provider.js';

/**
 * One simulated machine, stored as the times of the things that happened to it; its status is
 * derived from them and the clock, so nothing has to tick.
 *
 *   pending ──(readyAt)──► running ──reboot──► rebooting ──(rebootUntil)──► running
 *      │                    │   │                                               
 *      └─(failed)─► error   │   └──stop──► stopping ──► stopped ──start──► pending
 *                           └──(diesAt)──► terminated
 *   any live state ──terminate──► terminating ──(terminatedAt)──► terminated ──(1 h)──► gone
 */
export interface SimMachine {
  id: string;
  token: string;
  zone: string;
  size: string;
  image: string;
  tags: Record<string, string>;
  /** Its private IPv4, drawn at launch. */
  address: string;
  /** A public IPv4 associated after launch (`SimCloud.associatePublic`), as an Elastic IP would be. */
  publicAddress?: string | undefined;
  launchedAt: number;
  /** End of the current boot (launch or start). */
  readyAt: number;
  /** The launch failed: `error` from `readyAt` on. */
  failed: boolean;
  /** When a running machine dies by itself; null while it cannot (stopped, terminating). */
  diesAt: number | null;
  rebootUntil?: number | undefined;
  /** When the last reboot began, and how many reboots the machine has had: evidence for exactly-once tests. */
  rebootedAt?: number | undefined;
  reboots?: number | undefined;
  stoppingAt?: number | undefined;
  stoppedAt?: number | undefined;
  terminatingAt?: number | undefined;
  terminatedAt?: number | undefined;
  fault?: string | undefined;
}

/** Terminated machines stay listed this long, as on EC2, then vanish. */
export const TERMINATED_RETENTION_MS = 60 * 60 * 1000;

export const FAULTS = {
  launch: 'SimulatedLaunchFailure',
  death: 'SimulatedDeath',
} as const;

/** Turns a death that has come to pass into an ordinary termination, so later actions see it. */
export function settle(m: SimMachine, now: number): void {
  if (m.diesAt !== null && m.diesAt <= now && m.terminatingAt === undefined) {
    m.terminatingAt = m.diesAt;
    m.terminatedAt = m.diesAt;
    m.fault = FAULTS.death;
    m.diesAt = null;
  }
}

export function statusAt(m: SimMachine, now: number): ProviderStatus {
  if (m.diesAt !== null && m.diesAt <= now && m.terminatingAt === undefined) return 'terminated';
  if (m.terminatedAt !== undefined && now >= m.terminatedAt) return 'terminated';
  if (m.terminatingAt !== undefined && now >= m.terminatingAt) return 'terminating';
  if (m.failed && now >= m.readyAt) return 'error';
  if (m.stoppedAt !== undefined && now >= m.stoppedAt) return 'stopped';
  if (m.stoppingAt !== undefined && now >= m.stoppingAt) return 'stopping';
  if (now < m.readyAt) return 'pending';
  if (m.rebootUntil !== undefined && now < m.rebootUntil) return 'rebooting';
  return 'running';
}

/** Gone for good: terminated longer ago than the retention. */
export function vanished(m: SimMachine, now: number): boolean {
  const end = m.terminatedAt ?? (m.diesAt !== null && m.diesAt <= now ? m.diesAt : undefined);
  return end !== undefined && statusAt(m, now) === 'terminated' && now >= end + TERMINATED_RETENTION_MS;
}

/** The earliest instant `m` could vanish, until an action changes it. */
export function vanishesFrom(m: SimMachine): number {
  return (m.terminatedAt ?? m.diesAt ?? Number.POSITIVE_INFINITY) + TERMINATED_RETENTION_MS;
}

export function toProviderMachine(m: SimMachine, now: number): ProviderMachine {
  const status = statusAt(m, now);
  const fault =
    status === 'terminated' && m.diesAt !== null && m.diesAt <= now
      ? FAULTS.death
      : status === 'error' || status === 'terminated' || status === 'terminating'
        ? m.fault
        : undefined;
  return {
    id: m.id,
    status,
    zone: m.zone,
    size: m.size,
    image: m.image,
    launchedAt: m.launchedAt,
    tags: { ...m.tags },
    addresses: m.publicAddress ? [{ kind: 'private', value: m.address }, { kind: 'public', value: m.publicAddress }] : [{ kind: 'private', value: m.address }],
    fault,
    lastRebootAt: m.rebootedAt,
  };
}
