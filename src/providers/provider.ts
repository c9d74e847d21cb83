import type { MachineAddress, Template } from '../domain/types.js';

/**
 * The seam between flotte and a cloud. Batch-first, because the clouds are: the controller
 * hands over many machines per call and the provider splits them to its own limits.
 *
 * Every provider keeps these promises, checked by the shared conformance suite:
 * - `launch` is idempotent by `token`: a second call with the same token creates nothing
 *   new and returns the machines the first call made (EC2 ClientToken semantics).
 * - Partial success is a result, not an exception: `launched` holds what was made and
 *   `failed` says how many could not be made, and why.
 * - `terminate`, `reboot`, `stop`, `start` accept any number of ids and split them by
 *   `limits.idsPerCall`; an id the provider does not know is reported in `notFound`,
 *   never thrown, because "already gone" is what terminate wanted.
 * - `list` returns every machine carrying the cluster's ownership tag, all pages read.
 *   A machine launched moments ago may be missing (eventual consistency); callers must not
 *   read absence as death until the machine is older than `limits.listGraceMs`.
 * - Every failure of a whole call is a `ProviderError`.
 */
export interface Provider {
  readonly name: string;
  readonly limits: ProviderLimits;
  readonly capabilities: ProviderCapabilities;
  launch(request: LaunchRequest, signal?: AbortSignal): Promise<LaunchResult>;
  terminate(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult>;
  reboot(ids: readonly string[], options: { hard: boolean }, signal?: AbortSignal): Promise<BatchResult>;
  stop(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult>;
  start(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult>;
  /**
   * Stops machines and frees what they hold on their hosts (Nova's shelve), keeping their ids,
   * disks and addresses; `start` brings them back. Only clouds that have it: elsewhere a pool
   * that asks for it is stopped.
   */
  shelve?(ids: readonly string[], signal?: AbortSignal): Promise<BatchResult>;
  /**
   * The sizes the cloud offers with their vCPUs and memory (Nova's flavors), for environment
   * quotas where the config's `environments.sizes` does not say. Only clouds that describe them.
   */
  sizes?(signal?: AbortSignal): Promise<Record<string, SizeFacts>>;
  list(filter: OwnerFilter, signal?: AbortSignal): Promise<ProviderMachine[]>;
}

/** vCPUs and memory of one size (instance type, flavor). */
export interface SizeFacts {
  vcpus: number;
  memoryGb: number;
}

/** The calls that change the cloud: what a lost lease must stop, and what the campaign's invariants watch. */
export const MUTATING_CALLS: ReadonlySet<string> = new Set(['launch', 'terminate', 'reboot', 'stop', 'start', 'shelve'] satisfies (keyof Provider)[]);

export interface ProviderCapabilities {
  stopStart: boolean;
  /** Reboot keeps the machine's id and disk. */
  reboot: boolean;
  /** One launch call may create many machines. */
  batchLaunch: boolean;
  /** Every machine runs `flotte agent` (pools may still say otherwise in their health policy). */
  agent?: boolean | undefined;
}

/** Action kinds that clouds rate-limit separately (EC2: describe, mutate, run-instances buckets). */
export const ACTION_KINDS = ['describe', 'mutate', 'launch'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface BucketSpec {
  /** Tokens the bucket holds when full: the burst. */
  capacity: number;
  /** Tokens added per second. */
  refillPerSecond: number;
}

export interface ProviderLimits {
  /** Most ids accepted by one terminate/reboot/stop/start call. */
  idsPerCall: number;
  /** Most machines one launch call may ask for. */
  launchPerCall: number;
  /** Request-rate buckets the cloud enforces, per action kind; flotte's limiter paces to them. */
  buckets: Record<ActionKind, BucketSpec>;
  /** How long a new machine may be invisible to `list`. */
  listGraceMs: number;
  /** Machines per `list` page, each page one describe request; absent means one request per list. */
  pageSize?: number | undefined;
  /**
   * Resource-rate buckets counted in machines, where the cloud has them (EC2's resource rate
   * limits): `launch` paces launch and start, `terminate` paces terminate and stop.
   */
  machineBuckets?: Partial<Record<MachineBucketKind, BucketSpec>> | undefined;
}

export type MachineBucketKind = 'launch' | 'terminate';

export interface LaunchRequest {
  /** Idempotency token; the persisted launch intent's id. */
  token: string;
  template: Template;
  size: string;
  zone: string;
  count: number;
  /** Ownership tags set at creation, on every machine. */
  tags: Record<string, string>;
  /** How the machines' agents find and join the controller: clouds pass it in user-data, `local` in the environment. */
  agent?: AgentBootstrap | undefined;
  /**
   * User-data booted in addition to the template's or the agent's (an environment role's
   * provisioning): clouds send both as one cloud-init multipart archive (`bootUserData`).
   */
  extraUserData?: string | undefined;
  /** Sizes the caller remembers as out of capacity in this zone: a provider trying other sizes after `size` skips them. */
  unavailableSizes?: readonly string[] | undefined;
}

export interface AgentBootstrap {
  server: string;
  pool: string;
  /** This launch's join token: it joins only the machines of this launch, once flotte has recorded them. */
  joinToken: string;
}

export interface LaunchResult {
  launched: ProviderMachine[];
  failed: { count: number; error: ProviderError } | null;
  /**
   * Sizes the cloud refused for capacity in this zone during the call, also when another size
   * then made the machines: the caller remembers them (providers keep no such memory of their own).
   */
  exhausted?: readonly string[] | undefined;
}

export interface BatchResult {
  done: string[];
  notFound: string[];
  failed: { id: string; error: ProviderError }[];
}

export interface OwnerFilter {
  /** Value of the `flotte:cluster` tag. */
  cluster: string;
  /** Only the machines of these pools (a controller lists the pools it holds); every pool of the cluster when absent. */
  pools?: readonly string[] | undefined;
}

/** Whether a machine's pool tag passes the filter's pools. */
export function inPools(filter: OwnerFilter, pool: string | undefined): boolean {
  return filter.pools === undefined || (pool !== undefined && filter.pools.includes(pool));
}

/** What the cloud says about one machine. */
export const PROVIDER_STATUSES = [
  'pending',
  'running',
  'rebooting',
  'stopping',
  'stopped',
  'terminating',
  'terminated',
  'error',
] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export interface ProviderMachine {
  id: string;
  status: ProviderStatus;
  zone: string;
  size: string;
  image: string;
  launchedAt: number;
  tags: Record<string, string>;
  /** Every address the cloud reports now, in its own order; empty while it has none (a machine still being placed). */
  addresses: MachineAddress[];
  /** Why the cloud put the machine in `error`, in its own words. */
  fault?: string | undefined;
  /**
   * When the cloud last began rebooting it, where the cloud (or the machine's agent) tells:
   * lets a resumed operation see whether a reboot it may have sent before a crash happened.
   */
  lastRebootAt?: number | undefined;
}

export const PROVIDER_ERROR_KINDS = [
  'throttled',
  'capacity',
  'quota',
  'not-found',
  'invalid',
  'auth',
  'unavailable',
] as const;
export type ProviderErrorKind = (typeof PROVIDER_ERROR_KINDS)[number];

const RETRYABLE: Record<ProviderErrorKind, boolean> = {
  throttled: true,
  capacity: false,
  quota: false,
  'not-found': false,
  invalid: false,
  auth: false,
  unavailable: true,
};

/** The one error family above the provider edge: vendor codes never leak past it. */
export class ProviderError extends Error {
  readonly retryable: boolean;

  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly details: { code?: string; zone?: string; size?: string; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.name = 'ProviderError';
    this.retryable = RETRYABLE[kind];
  }
}

export function isProviderError(e: unknown, kind?: ProviderErrorKind): e is ProviderError {
  return e instanceof ProviderError && (kind === undefined || e.kind === kind);
}

/** Splits ids into the provider's call-sized batches. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function emptyBatch(): BatchResult {
  return { done: [], notFound: [], failed: [] };
}

export function mergeBatch(into: BatchResult, part: BatchResult): BatchResult {
  into.done.push(...part.done);
  into.notFound.push(...part.notFound);
  into.failed.push(...part.failed);
  return into;
}
