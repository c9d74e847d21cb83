/** How often the environment reconciler looks at unfinished environments. */
export const ENV_RECONCILE_MS = 2_000;

/** After a warm environment failed, its template's warm pool waits this long before trying again. */
export const WARM_RETRY_MS = 5 * 60_000;

/** How long before its TTL ends an environment's owner is warned (an `EnvExpiring` event). */
export const ENV_EXPIRY_WARNING_MS = 30 * 60_000;
