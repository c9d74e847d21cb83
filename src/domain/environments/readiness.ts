import type { MachineState } from '../lifecycle.js';
import { formatDuration } from './duration.js';

export const READINESS_KINDS = ['tcp', 'http', 'command'] as const;
export type ReadinessKind = (typeof READINESS_KINDS)[number];

/**
 * What a role's software must answer before its environment is `ready`, checked on the machine
 * by the flotte agent: a TCP port that accepts a connection, an HTTP URL that answers 2xx/3xx,
 * or a shell command that exits 0.
 */
export interface ReadinessCheck {
  kind: ReadinessKind;
  /** tcp: `host:port`; http: the URL; command: a shell command line. */
  target: string;
  /** One attempt's limit. */
  timeoutMs: number;
  /** Pause between attempts. */
  intervalMs: number;
}

/** Defaults of a role's `ready:` block. */
export const READINESS_TIMEOUT_MS = 5_000;
export const READINESS_INTERVAL_MS = 2_000;
/** How much of what a check saw is kept and shown: enough for an error line, not a log. */
export const READINESS_OUTPUT_MAX = 500;

/** An agent's last attempt, as it reports it with every heartbeat. */
export interface ReadinessResult {
  ok: boolean;
  /** When the attempt ended (the agent's clock, epoch ms). */
  at: number;
  /** What it saw: the command's output, the HTTP status, the connect error; truncated. */
  output: string;
}

export const describeCheck = (c: Pick<ReadinessCheck, 'kind' | 'target'>): string => `${c.kind} ${c.target}`;

/** One role as the reconciler sees it: its machines, and each one's last fresh check result. */
export interface RoleReadiness {
  role: string;
  count: number;
  readyTimeoutMs: number;
  check?: ReadinessCheck | undefined;
  machines: { id: string; state: MachineState; result?: ReadinessResult | undefined }[];
}

export type ReadinessVerdict = { kind: 'ready' } | { kind: 'waiting'; roles: string[] } | { kind: 'failed'; reason: string };

/**
 * Whether an environment's roles are all ready `elapsedMs` after it began: every role has
 * `count` machines `ready` and, when the role has a check, each of them reports it passing.
 * A role still short after its `readyTimeoutMs` fails the whole, naming the role, the machine
 * and what its check last saw. Pure: the caller reads machines and heartbeats.
 */
export function readinessVerdict(roles: readonly RoleReadiness[], elapsedMs: number): ReadinessVerdict {
  const waiting: string[] = [];
  for (const r of roles) {
    const ready = r.machines.filter((m) => m.state === 'ready');
    const failing = r.check ? ready.filter((m) => !m.result?.ok) : [];
    if (ready.length >= r.count && failing.length === 0) continue;
    if (elapsedMs <= r.readyTimeoutMs) {
      waiting.push(r.role);
      continue;
    }
    const after = formatDuration(r.readyTimeoutMs);
    if (ready.length < r.count) return { kind: 'failed', reason: `role ${r.role}: ${ready.length} of ${r.count} machines ready after ${after}` };
    const m = failing[0]!;
    const saw = m.result ? `failing: ${m.result.output || '(no output)'}` : 'no result reported by its agent';
    return { kind: 'failed', reason: `role ${r.role}: machine ${m.id}: readiness check ${describeCheck(r.check!)} not passing after ${after}, ${saw}` };
  }
  return waiting.length > 0 ? { kind: 'waiting', roles: waiting } : { kind: 'ready' };
}
