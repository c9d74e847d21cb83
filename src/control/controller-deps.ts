import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { Plan } from '../domain/plan.js';
import type { FleetEvent } from '../domain/types.js';
import type { Provider } from '../providers/provider.js';
import type { Store } from '../store/store.js';
import type { HookWebhook } from './hooks/webhook.js';
import type { InterruptionInbox } from './interruptions.js';
import type { PoolTenures } from './pool/tenure.js';

/** What a Controller is built from. */
export interface ControllerDeps {
  store: Store;
  /** Providers by the name pools refer to them with. */
  providers: ReadonlyMap<string, Provider>;
  clock: Clock;
  cluster: string;
  log: Logger;
  /** Told about every event the controller writes (live streams, metrics). */
  onEvents?: (events: FleetEvent[]) => void;
  /** The API address agents join; launches of agent pools wait until it is known. */
  agentServer?: () => string | undefined;
  /**
   * With several controllers (PostgreSQL): which pools this one holds the lease of. The tick
   * then reconciles only those, and every write and provider call under a pool carries its
   * fence. Without it the controller is alone and acts on every pool.
   */
  ownership?: PoolTenures;
  /** Notices that the cloud is about to take machines back (Spot): replaced first, then ended. */
  interruptions?: InterruptionInbox;
  /** Sends lifecycle hook webhooks (given by the composition root); without it they fail and take their default result. */
  hookWebhook?: HookWebhook;
}

export interface TickReport {
  pools: number;
  machines: number;
  actions: number;
  plans: Map<string, Plan>;
}
