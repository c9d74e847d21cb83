/** Every API limit in one place, each a named default that ApiDeps can override. */

/** Largest request body; flotte.yaml files are far below it. */
export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Time allowed to receive a whole request from the client (slow-loris guard). */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Time a handler may take before the caller gets 503; SSE streams are exempt. */
export const HANDLER_TIMEOUT_MS = 30_000;
/**
 * Per-token request budget: a burst of `capacity`, refilled at `refillPerSecond`. Generous
 * enough for the CLI's `--wait` polling and a dashboard, low enough to stop a runaway script.
 */
export const TOKEN_RATE_LIMIT = { capacity: 200, refillPerSecond: 50 } as const;
/** How often a live event stream looks for new events in the store. */
export const EVENT_POLL_MS = 250;
/** A comment line keeps idle SSE connections open through proxies. */
export const SSE_HEARTBEAT_MS = 15_000;
/** Most events a stream reads from the store at once. */
export const SSE_BATCH = 500;
/** Default and largest page of every list. */
export const PAGE_DEFAULT = 200;
export const PAGE_MAX = 1000;
