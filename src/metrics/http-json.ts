import type { Clock } from '../clock/clock.js';
import type { MetricSample } from '../domain/scaling/decision.js';
import { getJson } from './http.js';
import { MetricReadError, READ_TIMEOUT_MS, toNumber, type MetricSource } from './source.js';

/**
 * Reads one number from any JSON endpoint: `path` is dotted with `[n]` indices, e.g.
 * `queues[0].depth`. When the document says when it was measured (`timePath`: epoch seconds,
 * epoch ms or an ISO string), that time is the sample's, so a frozen exporter reads as stale.
 */
export function httpJsonSource(clock: Clock, url: string, path: string, opts: { headers?: Record<string, string> | undefined; timePath?: string | undefined; timeoutMs?: number | undefined } = {}): MetricSource {
  const steps = parsePath(path);
  const timeSteps = opts.timePath === undefined ? undefined : parsePath(opts.timePath);
  return {
    async read(signal): Promise<MetricSample> {
      const doc = await getJson(clock, url, opts.timeoutMs ?? READ_TIMEOUT_MS, opts.headers, signal);
      const value = toNumber(follow(doc, steps, path), `${url} at ${path}`);
      return { value, at: timeSteps ? toTime(follow(doc, timeSteps, opts.timePath!), opts.timePath!) : clock.now() };
    },
    close: () => Promise.resolve(),
  };
}

export function parsePath(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.replace(/^\$\.?/, '').split('.')) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!m) throw new MetricReadError(`bad path segment "${part}" in ${path}`);
    if (m[1]) out.push(m[1]);
    for (const idx of m[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

function follow(doc: unknown, steps: (string | number)[], path: string): unknown {
  let cur: unknown = doc;
  for (const s of steps) {
    if (cur === null || typeof cur !== 'object' || !(s in (cur as object))) throw new MetricReadError(`${path}: nothing at "${s}"`);
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

function toTime(v: unknown, path: string): number {
  if (typeof v === 'string' && !/^\d+(\.\d+)?$/.test(v)) {
    const t = Date.parse(v);
    if (Number.isNaN(t)) throw new MetricReadError(`${path} is not a time: ${v}`);
    return t;
  }
  const n = toNumber(v, path);
  // Epoch seconds until the year 5138; anything larger is milliseconds.
  return n < 1e11 ? n * 1000 : n;
}
