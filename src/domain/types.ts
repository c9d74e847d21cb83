import type { DisruptionPolicy } from './disruption/policy.js';
import type { ReadinessCheck } from './environments/readiness.js';
import type { EventReason } from './event-reasons.js';
import type { HealthPolicy } from './health.js';
import type { PoolHooks } from './hooks.js';
import type { MachineState } from './lifecycle.js';
import type { ScalingSpec } from './scaling/spec.js';

/** How a machine is made on a provider. Immutable once a machine used it: changes make a new version. */
export interface Template {
  name: string;
  version: number;
  provider: string;
  image: string;
  /** Instance type or flavor; the first is preferred, the rest are fall-backs on capacity errors. */
  sizes: string[];
  zones: string[];
  userData?: string | undefined;
  tags: Record<string, string>;
  /** The login `flotte env connect` puts in its ssh command; DEFAULT_SSH_USER when absent. */
  sshUser?: string | undefined;
}

export const DELETION_ORDERS = ['oldest-first', 'newest-first'] as const;
export type DeletionOrder = (typeof DELETION_ORDERS)[number];

/** The desired shape of a pool, as the user declared it. */
export interface PoolSpec {
  name: string;
  provider: string;
  template: string;
  min: number;
  max: number;
  desired: number;
  /** Zones to spread over; empty means the template's zones. */
  zones: string[];
  labels: Record<string, string>;
  /** Upper bound on machines requested, launching or booting at once. */
  maxLaunching: number;
  deletionOrder: DeletionOrder;
  /** Health, replacement and drain policy; the defaults (`DEFAULT_HEALTH`) when absent. */
  health?: HealthPolicy | undefined;
  /** Share (0 < share ≤ 1) of healthy machines one change may terminate per interval; DEFAULT_BLAST_RADIUS when absent. */
  blastRadius?: number | undefined;
  /** The size an explicit `allowDestroy` was given for: while `desired` is this, the guard lets the change through. */
  destroyAllowedTo?: number | undefined;
  /** How drifted and old machines are replaced, and the budgets that limit it; DEFAULT_DISRUPTION when absent. */
  disruption?: DisruptionPolicy | undefined;
  /** Lifecycle hooks run at launch (before ready) and at terminate; none when absent. */
  hooks?: PoolHooks | undefined;
  /** Autoscaling policies and their metric sources; the pool keeps its desired size when absent. */
  scaling?: ScalingSpec | undefined;
  /**
   * Stopped, not gone (an idle environment): running machines are stopped and stopped ones
   * count toward the size, so nothing is launched or replaced until the pool is resumed.
   */
  suspended?: boolean | undefined;
  /**
   * How a suspended pool's machines rest: stopped (the default), or shelved where the cloud can
   * (Nova frees the hypervisor; waking takes longer). Chosen by an environment template's `stopMode`.
   */
  suspendMode?: 'stop' | 'shelve' | undefined;
  /**
   * Stopped machines are the pool's own (environment pools: their disks hold a developer's
   * work): when not suspended they are started again rather than replaced. Elsewhere a machine
   * stopped outside an operation is replaced.
   */
  keepStopped?: boolean | undefined;
  /**
   * When an apply dropped the pool from the file. It is held at zero (min = max = desired = 0)
   * so its machines are terminated like any surplus, and deleted once it has none: removing a
   * pool from the file never leaves machines running that nobody owns.
   */
  removedAt?: number | undefined;
  /**
   * The pool's own provisioning (an environment role's rendered cloud-init): booted beside the
   * template's user-data or the agent's, never in place of them.
   */
  userData?: string | undefined;
  /** What the pool's agents check and report before their machines count as serving (environment roles). */
  readiness?: ReadinessCheck | undefined;
}

/**
 * Where a machine can be reached, as its provider reports it: `private`/`public` (EC2's IPv4),
 * `dns` (EC2's names), `fixed`/`floating` (Nova's, with the network they sit on), `local`
 * (`127.0.0.1:port` of a local machine's agent).
 */
export const ADDRESS_KINDS = ['private', 'public', 'dns', 'fixed', 'floating', 'local'] as const;

export interface MachineAddress {
  kind: (typeof ADDRESS_KINDS)[number];
  value: string;
  network?: string | undefined;
}

/** A machine as flotte records it. The id is the provider's own (e.g. `i-0abc…`, a Nova UUID). */
export interface Machine {
  id: string;
  pool: string;
  provider: string;
  zone: string;
  size: string;
  state: MachineState;
  /** When the state last changed. */
  since: number;
  launchedAt: number;
  readyAt?: number | undefined;
  templateVersion: number;
  /** The launch intent that created it, if flotte launched it. */
  intent?: string | undefined;
  /** The failed machine this one was launched to replace. */
  replaces?: string | undefined;
  protected: boolean;
  labels: Record<string, string>;
  /** As the provider last listed them; empty until it reports any (see `primaryAddress`). */
  addresses: MachineAddress[];
}

/** A launch persisted before the provider call, so a crash can neither lose nor double it. */
export interface LaunchIntent {
  id: string;
  pool: string;
  zone: string;
  size: string;
  count: number;
  templateVersion: number;
  createdAt: number;
  /** Failed machines this launch replaces, in order. */
  replaces: string[];
  status: 'open' | 'done' | 'failed';
  /**
   * When its launch call last went out, stored before the call; 0 when it never did. Unknown
   * (null) on rows older than the field: a restarted controller takes those as just sent.
   */
  sentAt?: number | null | undefined;
}

// The closed catalog of event reasons lives in its own module; re-exported for existing importers.
export { EVENT_REASON, EVENT_REASONS, type EventReason } from './event-reasons.js';

export interface FleetEvent {
  id: number;
  at: number;
  pool: string;
  machine?: string | undefined;
  reason: EventReason;
  message: string;
  data?: Record<string, unknown> | undefined;
}

/** Ownership tag keys: every machine flotte makes carries them, and adoption reads them. */
export const TAG = {
  cluster: 'flotte:cluster',
  pool: 'flotte:pool',
  intent: 'flotte:intent',
  template: 'flotte:template-version',
} as const;
