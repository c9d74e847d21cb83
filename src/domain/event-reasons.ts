/**
 * Every reason an event is written with, in one closed catalog: the API, CLI and dashboard show
 * them as they are, and filters and metrics match on them, so a writer cannot invent one the
 * readers do not know. A const object (not a TS enum) so the values stay plain strings on the wire.
 */
export const EVENT_REASON = {
  // A machine's lifecycle, as the controller records it.
  Launched: 'Launched',
  LaunchFailed: 'LaunchFailed',
  Adopted: 'Adopted',
  Booting: 'Booting',
  Ready: 'Ready',
  Died: 'Died',
  Unhealthy: 'Unhealthy',
  Rebooting: 'Rebooting',
  Stopped: 'Stopped',
  Recovered: 'Recovered',
  Terminating: 'Terminating',
  Terminated: 'Terminated',
  TerminateFailed: 'TerminateFailed',
  /** A replacement was launched for a failed or interrupted machine. */
  Replacing: 'Replacing',
  Replaced: 'Replaced',
  // Scaling.
  ScaledOut: 'ScaledOut',
  ScaledIn: 'ScaledIn',
  DesiredChanged: 'DesiredChanged',
  /** The autoscaler held a pool on missing or stale metrics (never a scale-in then). */
  ScalingHeld: 'ScalingHeld',
  AutoscalingPaused: 'AutoscalingPaused',
  AutoscalingResumed: 'AutoscalingResumed',
  /** The autoscaler wanted more machines than the pool's max allows: work is waiting. */
  PoolAtMax: 'PoolAtMax',
  /** A metric source cannot hear changes as asked (Redis keyspace notifications off): read at each evaluation only. */
  MetricNotWatched: 'MetricNotWatched',
  // Draining before a scale-in.
  Draining: 'Draining',
  Reclaimed: 'Reclaimed',
  Drained: 'Drained',
  DrainTimeout: 'DrainTimeout',
  // Stopping and starting the machines of suspended and woken pools.
  Stopping: 'Stopping',
  Starting: 'Starting',
  StopFailed: 'StopFailed',
  StartFailed: 'StartFailed',
  StopStartUnsupported: 'StopStartUnsupported',
  // The provider and its capacity.
  Throttled: 'Throttled',
  ProviderUnavailable: 'ProviderUnavailable',
  ProviderRecovered: 'ProviderRecovered',
  ZoneUnavailable: 'ZoneUnavailable',
  /** Replacements in one zone/size kept failing: skipped for a while. */
  OfferingBackoff: 'OfferingBackoff',
  IntentResolved: 'IntentResolved',
  // A bulk operation ended (rolled back counts as failed; a cancel has no event).
  OperationSucceeded: 'OperationSucceeded',
  OperationFailed: 'OperationFailed',
  // Healing and the guards around it.
  HealingPaused: 'HealingPaused',
  HealingResumed: 'HealingResumed',
  Protected: 'Protected',
  Unprotected: 'Unprotected',
  BlastRadiusHold: 'BlastRadiusHold',
  // Voluntary replacement: drift and lifetime roll-outs, and the budgets that hold them.
  /** A roll-out waits: its disruption budget allows no more machines now (a window, a 0 budget). */
  BudgetHolding: 'BudgetHolding',
  BudgetReleased: 'BudgetReleased',
  /** flotte started a replace of drifted or old machines. */
  RolloutStarted: 'RolloutStarted',
  // Notices that the cloud takes a machine back.
  SpotInterruption: 'SpotInterruption',
  RebalanceRecommendation: 'RebalanceRecommendation',
  /** A pool an apply removed was drained, and deleted once nothing of it was left. */
  PoolRemoved: 'PoolRemoved',
  // Lifecycle hooks (domain/hooks.ts): one event per hook run, with its outcome and duration.
  HookPassed: 'HookPassed',
  HookFailed: 'HookFailed',
  HookTimedOut: 'HookTimedOut',
  /** A launch hook ended in abandon: the machine is terminated and replaced. */
  LaunchAbandoned: 'LaunchAbandoned',
  // Environments (written under the pool name `env:<id>`).
  EnvCreated: 'EnvCreated',
  EnvReady: 'EnvReady',
  EnvStopped: 'EnvStopped',
  EnvStarting: 'EnvStarting',
  EnvExtended: 'EnvExtended',
  EnvExpiring: 'EnvExpiring',
  EnvExpired: 'EnvExpired',
  EnvFailed: 'EnvFailed',
  EnvDestroying: 'EnvDestroying',
  EnvDestroyed: 'EnvDestroyed',
  // Environment schedules (schedule.ts): autostop, autostart, dormancy, and the warm pool emptied for the night.
  EnvScheduledStop: 'EnvScheduledStop',
  EnvScheduledStart: 'EnvScheduledStart',
  /** Stopped long enough that dormancy will destroy it: the warning, with the time. */
  EnvDormant: 'EnvDormant',
  EnvDormancyExpired: 'EnvDormancyExpired',
  EnvWarmReleased: 'EnvWarmReleased',
} as const;

export type EventReason = (typeof EVENT_REASON)[keyof typeof EVENT_REASON];

/** The catalog as a list, for readers that enumerate it (filters, docs). */
export const EVENT_REASONS: readonly EventReason[] = Object.values(EVENT_REASON);
