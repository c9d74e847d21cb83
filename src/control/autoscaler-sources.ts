import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import type { MetricReading } from '../domain/scaling/decision.js';
import type { FleetEvent } from '../domain/types.js';
import { deadline, READ_TIMEOUT_MS, type MetricSource } from '../metrics/source.js';
import type { EventsPort } from '../store/ports.js';

/** Reads every source at once, each within READ_TIMEOUT_MS; a failure or a late answer is that metric's error, never a zero. */
export async function readAll(sources: ReadonlyMap<string, MetricSource>, clock: Clock): Promise<Map<string, MetricReading>> {
  const entries = await Promise.all(
    [...sources].map(async ([name, source]): Promise<[string, MetricReading]> => {
      const d = deadline(clock, READ_TIMEOUT_MS);
      try {
        const late = new Promise<never>((_, reject) => d.signal.addEventListener('abort', () => reject(d.signal.reason), { once: true }));
        return [name, await Promise.race([source.read(d.signal), late])];
      } catch (e) {
        return [name, { error: (e as Error).message }];
      } finally {
        d.done();
      }
    }),
  );
  return new Map(entries);
}

export async function closeAll(sources: ReadonlyMap<string, MetricSource>): Promise<void> {
  await Promise.all([...sources.values()].map((s) => s.close().catch(() => undefined)));
}

/** A source that cannot do all its spec asks (keyspace notifications off): a warning, and an event people see. */
export async function announceNotice(
  deps: { store: EventsPort; clock: Clock; log: Logger; onEvents?: ((events: FleetEvent[]) => void) | undefined },
  pool: string,
  metric: string,
  message: string,
): Promise<void> {
  deps.log.warn({ pool, metric }, message);
  const stored = await deps.store.appendEvents([{ at: deps.clock.now(), pool, reason: 'MetricNotWatched', message: `metric ${metric}: ${message}`, data: { metric } }]).catch(() => []);
  deps.onEvents?.(stored);
}
