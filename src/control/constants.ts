/** Every interval and TTL the control loop uses, in one place. */

/** Default pause between two reconcile ticks. */
export const TICK_INTERVAL_MS = 2_000;
/** After a capacity error, skip that zone/size for this long (like Karpenter's ICE cache). */
export const CAPACITY_BACKOFF_MS = 3 * 60_000;
/** A machine marked terminating that the provider still shows alive gets its terminate re-sent after this. */
export const TERMINATE_RESEND_MS = 30_000;
/** A stop or start (suspend, wake) is re-sent to a machine the provider still shows unchanged at most this often. */
export const POWER_RESEND_MS = 15_000;
/**
 * An open launch intent refused outright (throttled) is re-sent at most this often; after any
 * other failure it waits at least the provider's list grace, so what the send made is seen first.
 */
export const INTENT_RETRY_MS = 5_000;
/** The autoscaler looks for new or changed scaling pools at least this often. */
export const AUTOSCALER_POLL_MS = 1_000;
/**
 * A pushed sample or a Redis notification evaluates its pool at once, but not twice within this
 * gap: a storm of changes makes one evaluation per gap, the last one reading the latest value.
 */
export const CHANGE_EVALUATION_GAP_MS = 250;
/** A decision that repeats the last one is still stored this often, so `flotte explain` shows fresh inputs. */
export const DECISION_HEARTBEAT_MS = 60_000;
/** A provider whose list calls have failed without a break this long marks its pools `ProviderUnavailable`. */
export const PROVIDER_UNAVAILABLE_AFTER_MS = 15_000;
/** The blast-radius guard's interval: terminations of healthy machines are counted over this window. */
export const BLAST_RADIUS_INTERVAL_MS = 60_000;
/** Predictive scaling's `lead: auto` before any machine of the pool has booted: a typical cloud boot. */
export const DEFAULT_BOOT_LEAD_S = 120;
/** Machines whose boot times `lead: auto` takes the median of: the most recent ones. */
export const BOOT_LEAD_SAMPLE = 50;
