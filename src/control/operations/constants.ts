/** Every interval and timeout the operation executor uses, in one place. */

/** Pause between two executor steps. */
export const OPERATION_POLL_MS = 1_000;
/** An item whose machine is not back (ready, stopped…) this long after the provider accepted the action fails. */
export const ITEM_TIMEOUT_MS = 15 * 60_000;
/** A machine the controller shows ready but without a fresh ready time is checked with the provider after this long. */
export const CONFIRM_AFTER_MS = 5_000;
/** How many past items of the pool feed the dry-run estimate. */
export const DURATION_SAMPLES = 200;
/** Pause between two looks for drifted and old machines: a roll-out starts within this of an apply. */
export const ROLLOUT_POLL_MS = 10_000;
