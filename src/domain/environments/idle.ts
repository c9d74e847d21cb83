import { formatDuration } from './duration.js';

/** When a template's environments stop on their own: every agent idle for `afterMs`. */
export interface IdlePolicy {
  afterMs: number;
  /** Highest CPU share (0..1) at which a machine still counts as idle; 1 leaves CPU out. */
  maxCpu: number;
}

/** What one machine's agent last said, as idle detection reads it. */
export interface MachineSignal {
  machine: string;
  role: string;
  state: string;
  /** Absent when its agent has not reported within the heartbeat timeout. */
  report?: { busy: number; sessions: number; cpu: number; at: number } | undefined;
}

/** An environment's idle signals: the answer to "why is this still running?". */
export interface IdleSignals {
  idle: boolean;
  busy: number;
  sessions: number;
  /** The highest CPU share any machine reported. */
  peakCpu: number;
  /** What keeps the environment from counting as idle now, in words; empty when idle. */
  blockers: string[];
  machines: MachineSignal[];
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Reads the agents' last reports. Idle means: every machine ready and reporting, no busy work,
 * no logged-in sessions, CPU at most the policy's share. A machine that does not report cannot
 * be shown idle, so it keeps the environment running.
 */
export function idleSignals(machines: readonly MachineSignal[], policy: IdlePolicy): IdleSignals {
  const blockers: string[] = [];
  let busy = 0;
  let sessions = 0;
  let peakCpu = 0;
  for (const m of machines) {
    const who = `${m.role} ${m.machine}`;
    if (m.state !== 'ready') blockers.push(`${who} is ${m.state}`);
    if (!m.report) {
      blockers.push(`${who}: no recent agent report`);
      continue;
    }
    busy += m.report.busy;
    sessions += m.report.sessions;
    peakCpu = Math.max(peakCpu, m.report.cpu);
    if (m.report.busy > 0) blockers.push(`${who}: busy ${m.report.busy}`);
    if (m.report.sessions > 0) blockers.push(`${who}: ${m.report.sessions} logged-in session${m.report.sessions > 1 ? 's' : ''}`);
    if (m.report.cpu > policy.maxCpu) blockers.push(`${who}: CPU ${pct(m.report.cpu)} (idle at most ${pct(policy.maxCpu)})`);
  }
  if (machines.length === 0) blockers.push('no machines');
  return { idle: blockers.length === 0, busy, sessions, peakCpu, blockers, machines: [...machines] };
}

export type IdleStep =
  | { kind: 'busy' }
  | { kind: 'idle'; since: number; stopAt: number }
  | { kind: 'stop'; since: number; reason: string };

/**
 * One look of the reconciler: idle now and for the whole window (every look since `since` was
 * idle, or the window would have restarted) → stop. `since` is when the current idle stretch began.
 */
export function idleStep(signals: IdleSignals, since: number | undefined, policy: IdlePolicy, now: number): IdleStep {
  if (!signals.idle) return { kind: 'busy' };
  const from = since ?? now;
  if (now - from < policy.afterMs) return { kind: 'idle', since: from, stopAt: from + policy.afterMs };
  const reason = `idle for ${formatDuration(now - from)}: no busy work, no logged-in sessions, CPU at most ${pct(policy.maxCpu)} on all ${signals.machines.length} machines throughout`;
  return { kind: 'stop', since: from, reason };
}
