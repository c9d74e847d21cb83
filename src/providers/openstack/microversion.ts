/** Compute microversions as [major, minor], compared numerically ("2.9" < "2.10"). */
export type Microversion = readonly [number, number];

/** The newest compute microversion flotte knows the behaviour of (Zed's 2.93); it asks for no newer. */
export const CLIENT_MAX: Microversion = [2, 93];
/** Below this, flotte cannot boot a server without a network ("networks": "none", 2.37). */
export const CLIENT_MIN: Microversion = [2, 1];
/** Server tags may be set at create time (so listing can filter on the server side). */
export const TAGS_AT_CREATE: Microversion = [2, 52];
/** `networks` is required at create, and may be "none" or "auto". */
export const NETWORKS_REQUIRED: Microversion = [2, 37];

export function parseMicroversion(s: string): Microversion {
  const m = /^(\d+)\.(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`not a microversion: "${s}"`);
  return [Number(m[1]), Number(m[2])];
}

export function compare(a: Microversion, b: Microversion): number {
  return a[0] - b[0] || a[1] - b[1];
}

export function atLeast(v: Microversion, floor: Microversion): boolean {
  return compare(v, floor) >= 0;
}

export function format(v: Microversion): string {
  return `${v[0]}.${v[1]}`;
}

/**
 * The version to speak: the newest both sides know. A server that only speaks v2.0 (no
 * `version`/`max_version`) gets 2.1 semantics requests are compatible with. Undefined when
 * the ranges do not overlap.
 */
export function negotiate(server: { min?: string | undefined; max?: string | undefined }): Microversion | undefined {
  const max = server.max ? parseMicroversion(server.max) : CLIENT_MIN;
  const min = server.min ? parseMicroversion(server.min) : CLIENT_MIN;
  const pick = compare(max, CLIENT_MAX) < 0 ? max : CLIENT_MAX;
  if (compare(pick, min) < 0 || compare(pick, CLIENT_MIN) < 0) return undefined;
  return pick;
}
