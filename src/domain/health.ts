import type { Machine } from './types.js';
import type { ReadinessResult } from './environments/readiness.js';

/**
 * A pool's health policy, as data. Durations are milliseconds here; the config file says seconds.
 * `agent` says whether the pool's machines run `flotte agent`: then `ready` means "the agent
 * joined", and heartbeats decide health. When absent, the provider's capability decides.
 */
export interface HealthPolicy {
  agent?: boolean | undefined;
  /** How often agents are told to heartbeat. */
  heartbeatIntervalMs: number;
  /** A ready machine whose last heartbeat is older than this is unhealthy. */
  heartbeatTimeoutMs: number;
  /** A machine that has not joined (or passed its probe) this long after launch is unhealthy. */
  bootGraceMs: number;
  probe?: { kind: 'http' | 'tcp'; port?: number | undefined; path: string; timeoutMs: number; failures: number } | undefined;
  /** launch-first requests the replacement before terminating; terminate-first frees capacity first. */
  replacement: 'launch-first' | 'terminate-first';
  /** Most replacements in flight at once in the pool. */
  maxReplacing: number;
  /** More than `share` of the pool unhealthy within `windowMs` pauses auto-replacement. */
  brake: { share: number; windowMs: number };
  drainTimeoutMs: number;
  preStop?: { command: string; timeoutMs: number } | undefined;
}

export const DEFAULT_HEALTH: HealthPolicy = {
  heartbeatIntervalMs: 5_000,
  heartbeatTimeoutMs: 20_000,
  bootGraceMs: 300_000,
  replacement: 'launch-first',
  maxReplacing: 10,
  brake: { share: 0.3, windowMs: 120_000 },
  drainTimeoutMs: 300_000,
};

/** The last word from a machine's agent. */
export interface AgentBeat {
  joinedAt: number;
  lastAt: number;
  busy: number;
  /** The agent finished its drain: busy reached 0 (or its deadline passed) after a drain order. */
  drained: boolean;
}

export interface HealthInput {
  /** The pool's machines run agents (policy or provider capability). */
  agent: boolean;
  beat?: AgentBeat | undefined;
  /** Consecutive failed probes, when the pool has a probe. */
  probeFailures?: number | undefined;
  /**
   * Since when this controller has watched the pool (its start, or its taking of the pool's
   * lease). Silence from before then was nobody's to hear: agents report to a controller that
   * was not there, so it never counts.
   */
  observedFrom?: number | undefined;
}

export interface Verdict {
  /** Fixed reason string for the event. */
  reason: 'HeartbeatTimeout' | 'NeverJoined' | 'ProbeFailed';
  cause: string;
}

/**
 * Whether a machine should be declared unhealthy now. Pure. Only `ready` machines (and booting
 * ones past their grace) are judged: draining, stopped and terminating machines are someone
 * else's decision, and provider-reported errors are already folded in by `reconcileMachine`.
 */
export function judge(m: Machine, input: HealthInput, policy: HealthPolicy, now: number): Verdict | null {
  if (m.state === 'booting' || m.state === 'launching' || m.state === 'requested') {
    // A machine that was ready before (started again after a stop) boots again: its grace counts from then.
    const bootFrom = m.readyAt !== undefined ? Math.max(m.launchedAt, m.since) : m.launchedAt;
    if (now - bootFrom <= policy.bootGraceMs) return null;
    // A grace that ran out while nobody watched: the agent gets one heartbeat timeout to reach us.
    if (input.observedFrom !== undefined && now - input.observedFrom <= policy.heartbeatTimeoutMs) return null;
    if (input.agent && !input.beat) return { reason: 'NeverJoined', cause: `its agent did not join within the ${policy.bootGraceMs / 1000} s boot grace` };
    return null;
  }
  if (m.state !== 'ready') return null;
  if (input.agent) {
    // A machine that became ready counts its heartbeat silence from then, so a slow first beat after a reboot is not a death.
    const last = Math.max(input.beat?.lastAt ?? 0, m.readyAt ?? m.since, input.observedFrom ?? 0);
    if (now - last > policy.heartbeatTimeoutMs) {
      return { reason: 'HeartbeatTimeout', cause: `no heartbeat for ${((now - last) / 1000).toFixed(1)} s (timeout ${policy.heartbeatTimeoutMs / 1000} s)` };
    }
  }
  if (policy.probe && (input.probeFailures ?? 0) >= policy.probe.failures && now - m.launchedAt > policy.bootGraceMs) {
    return { reason: 'ProbeFailed', cause: `${policy.probe.kind} probe failed ${input.probeFailures} times in a row` };
  }
  return null;
}

/**
 * The mass-failure brake: true when more than `share` of the pool turned unhealthy within the
 * window. Many machines failing together is more likely the network, the image or the
 * controller's view than the machines; replacing them all would turn a partial failure into a full one.
 */
export function brakeTrips(unhealthySince: readonly number[], poolSize: number, policy: HealthPolicy, now: number): boolean {
  if (poolSize <= 0) return false;
  const recent = unhealthySince.filter((t) => now - t <= policy.brake.windowMs).length;
  // One machine failing is never a mass failure, however small the pool.
  return recent >= 2 && recent / poolSize > policy.brake.share;
}

/**
 * Whether a tripped brake still holds: its counted machines that have not recovered would trip
 * it on their own. A partition, or a controller's own blindness, ends with the machines
 * reporting again, and the pause with it; real deaths keep it latched until a person resumes.
 */
export function brakeHolds(counted: readonly string[], recovered: (id: string) => boolean, poolSize: number, policy: HealthPolicy): boolean {
  const failed = counted.filter((id) => !recovered(id)).length;
  return failed >= 2 && (poolSize <= 0 || failed / poolSize > policy.brake.share);
}

/** Replacements that failed (died or turned unhealthy before ready, or whose launch failed), per offering. */
export interface OfferingFailure {
  key: string;
  at: number;
}

export const OFFERING_FAILURE_LIMIT = 3;

/** Offerings (`zone/size`, per template version) that failed `limit` times within the window: skip them for a while. */
export function failingOfferings(failures: readonly OfferingFailure[], windowMs: number, now: number, limit = OFFERING_FAILURE_LIMIT): Set<string> {
  const counts = new Map<string, number>();
  for (const f of failures) if (now - f.at <= windowMs) counts.set(f.key, (counts.get(f.key) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n >= limit).map(([k]) => k));
}

/** When a draining machine may go: its agent reported drained, or the drain deadline passed. */
export function drainOver(m: Machine, beat: AgentBeat | undefined, agent: boolean, policy: HealthPolicy, now: number): 'Drained' | 'DrainTimeout' | null {
  if (m.state !== 'draining') return null;
  if (!agent) return 'Drained';
  if (beat && beat.drained && beat.lastAt >= m.since) return 'Drained';
  return now - m.since >= policy.drainTimeoutMs ? 'DrainTimeout' : null;
}

/** An agent's report as stored: one row per machine, replaced by each heartbeat. */
export interface AgentHeartbeat extends AgentBeat {
  machine: string;
  pool: string;
  /** Whether the agent advertises itself as available for work (false while draining). */
  available: boolean;
  load: { load1: number; cpu: number; memory: number };
  /** Logged-in sessions on the machine (idle detection of environments); 0 when the agent does not say. */
  sessions?: number | undefined;
  /** Where the agent's local endpoint listens, as seen by the agent. */
  address?: string | undefined;
  /** Its pool's readiness check, last attempt (environment roles with a `ready:` check). */
  readiness?: ReadinessResult | undefined;
}
