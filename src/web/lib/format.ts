import type { OperationPreview } from '../../api/contract/index.js';

/** A count with its noun, singular for exactly one: `1 machine`, `3 machines`, `2 batches`. Thousands grouped. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** Human words for the API's numbers. */
export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 90 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A dry-run preview as the API answers it; every part optional, so a partial one still reads. */
type Estimate = Partial<OperationPreview['preview']>;

/** A dry-run preview as sentences: what will happen, how many calls, how long. */
export function previewLines(p: Estimate): string[] {
  const waves = p.waves ?? [];
  const lines = [`${count(p.machines ?? waves.reduce((a, b) => a + b, 0), 'machine')} in ${count(waves.length, 'batch', 'batches')}${waves.length ? ` of ${[...new Set(waves)].join(' / ')}` : ''}`];
  if (p.calls) lines.push(`${count(p.calls.mutate ?? 0, 'mutating API call')}, ${count(p.calls.launch ?? 0, 'launch call')}${p.apiMs ? `, ${duration(p.apiMs)} of them forced by rate limits` : ''}`);
  if (p.totalMs !== undefined) lines.push(`estimated time: ${duration(p.totalMs)}`);
  if (p.durations) lines.push(`from ${p.durations.samples ? `${p.durations.samples} observed` : 'default'} durations: mean ${duration(p.durations.mean)}, slowest ${duration(p.durations.max)}`);
  return lines;
}

interface Budget {
  operation?: { calls: number; throttled: number };
  provider?: { calls: number; throttled: number; buckets?: Record<string, { tokens: number; capacity: number; refillPerSecond: number }> };
}

/** The API budget: calls made and throttled, and what is left in each bucket. */
export function budgetLine(b: Budget): string {
  const parts: string[] = [];
  if (b.operation) parts.push(`this operation: ${count(b.operation.calls, 'call')}, ${b.operation.throttled} throttled`);
  if (b.provider) parts.push(`provider: ${count(b.provider.calls, 'call')}, ${b.provider.throttled} throttled`);
  for (const [k, v] of Object.entries(b.provider?.buckets ?? {})) parts.push(`${k} bucket ${Math.floor(v.tokens)}/${v.capacity} (+${v.refillPerSecond}/s)`);
  return parts.join(' · ');
}
