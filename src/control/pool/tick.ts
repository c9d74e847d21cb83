import type { Logger } from 'pino';
import type { Machine, PoolSpec, Template } from '../../domain/types.js';
import type { Provider, ProviderMachine } from '../../providers/provider.js';
import type { AgentsPort, ConfigPort, EventsPort, HeartbeatsPort, IntentsPort, LeasesPort, MachinesPort, PoolsPort } from '../../store/ports.js';
import type { BlastGuard } from '../blast-guard.js';
import type { HealthControl } from '../health.js';
import type { HookControl } from '../hooks/control.js';
import type { InterruptionInbox } from '../interruptions.js';
import type { Journal } from '../journal.js';
import type { Launcher } from '../launcher.js';
import type { UnavailableOfferings } from '../unavailable-offerings.js';

/** The store as the pool phases use it: the ports of what a tick reads and writes. (Launcher, health and the guards take their own.) */
export type TickStore = PoolsPort & MachinesPort & IntentsPort & EventsPort & HeartbeatsPort & AgentsPort & LeasesPort & Pick<ConfigPort, 'getTemplate'>;

/** When an open intent last went out, and whether the cloud refused it outright (throttled: nothing made). */
export interface IntentSend {
  at: number;
  refused: boolean;
}

/** When a stop or start was last sent to a machine, so a slow cloud is not asked again every tick. */
export interface PowerSend {
  kind: 'stop' | 'start';
  at: number;
}

/** What outlives a tick: the memories and collaborators every pool's phases share. */
export interface PoolRuntime {
  readonly store: TickStore;
  readonly log: Logger;
  readonly launcher: Launcher;
  readonly health: HealthControl;
  readonly blast: BlastGuard;
  /** The one capacity memory: the plan, health and the launches read and mark it. */
  readonly offerings: UnavailableOfferings;
  /** Open intent → its last send. */
  readonly intentSends: Map<string, IntentSend>;
  /** Machine → its last stop or start. */
  readonly powerSends: Map<string, PowerSend>;
  /** Notices that the cloud is about to take machines back (Spot). */
  readonly interruptions?: InterruptionInbox | undefined;
  /** The API address agents join; launches of agent pools wait until it is known. */
  readonly agentServer?: (() => string | undefined) | undefined;
  /** Lifecycle hook runs: the hook phase, and the gate every terminate passes. */
  readonly hooks?: HookControl | undefined;
}

/**
 * One pool at one moment, as every acting phase needs it: enough to terminate or power
 * machines, which bulk operations do outside a tick too.
 */
export interface PoolScope {
  /** The tick's time, passed in (never read from a clock inside a phase). */
  readonly now: number;
  readonly spec: PoolSpec;
  readonly provider: Provider;
  /** The pool's live machine records (the controller's write-through cache); changed only through `record`. */
  readonly machines: ReadonlyMap<string, Machine>;
  /** Collects this pool's machine writes and events; the controller flushes it once. */
  readonly journal: Journal;
  readonly rt: PoolRuntime;
  /** Records a machine's new state: in the cache at once, in the store at the flush. */
  record(m: Machine): void;
}

/** One pool's tick: the context every phase of the pipeline takes instead of long parameter lists. */
export interface PoolTick extends PoolScope {
  readonly template: Template;
  /** What the provider lists with this pool's tags, this tick. */
  readonly seen: readonly ProviderMachine[];
  /** Failed or interrupted machines awaiting a replacement (kept across ticks; phases push and take). */
  readonly unreplaced: string[];
}

/** The pool's target size: desired within its bounds. */
export const targetOf = (spec: Pick<PoolSpec, 'min' | 'max' | 'desired'>): number => Math.min(spec.max, Math.max(spec.min, spec.desired));
