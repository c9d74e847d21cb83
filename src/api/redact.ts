import type { PoolSpec } from '../domain/types.js';

const HIDDEN = '***';

/** An address with its password hidden (the user name stays: it says which account, not how to be it). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = HIDDEN;
    return u.toString().replace(encodeURIComponent(HIDDEN), HIDDEN);
  } catch {
    return url;
  }
}

/**
 * A pool's spec as the API shows it to anyone who may read pools: where its metrics come from,
 * without what lets a reader use them (passwords in addresses, header values such as tokens).
 */
export function redactSpec(spec: PoolSpec): PoolSpec {
  if (!spec.scaling) return spec;
  const metrics = Object.fromEntries(
    Object.entries(spec.scaling.metrics).map(([name, m]) => {
      const out: Record<string, unknown> = { ...m };
      if (typeof out.url === 'string') out.url = redactUrl(out.url);
      if (out.headers && typeof out.headers === 'object') out.headers = Object.fromEntries(Object.keys(out.headers).map((k) => [k, HIDDEN]));
      return [name, out];
    }),
  );
  return { ...spec, scaling: { ...spec.scaling, metrics } as typeof spec.scaling };
}
