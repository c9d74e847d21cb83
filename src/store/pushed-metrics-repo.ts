import type { Kysely } from 'kysely';
import type { PushedSample } from '../domain/scaling/pushed.js';
import type { Database } from './database.js';
import type { PushedMetricsPort } from './ports.js';

/** The latest pushed sample per pool and metric (see ports.ts for the contract). */
export function pushedMetricsRepo(db: Kysely<Database>): PushedMetricsPort {
  return {
    async put(samples) {
      // One row per metric in the statement: PostgreSQL refuses an upsert that touches a row twice.
      const newest = new Map<string, PushedSample>();
      for (const s of samples) {
        const k = `${s.pool}\0${s.metric}`;
        const had = newest.get(k);
        if (!had || had.at <= s.at) newest.set(k, s);
      }
      if (newest.size === 0) return;
      await db
        .insertInto('pushed_metrics')
        .values([...newest.values()].map((s) => ({ pool: s.pool, metric: s.metric, value: s.value, at: s.at, received_at: s.receivedAt })))
        .onConflict((oc) =>
          oc
            .columns(['pool', 'metric'])
            .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), at: eb.ref('excluded.at'), received_at: eb.ref('excluded.received_at') }))
            // A sample that arrives late (a retried request) never replaces a newer one.
            .where('pushed_metrics.at', '<=', (eb) => eb.ref('excluded.at')),
        )
        .execute();
    },

    async latest(pools) {
      if (pools.length === 0) return [];
      const rows = await db.selectFrom('pushed_metrics').selectAll().where('pool', 'in', [...pools]).execute();
      return rows.map((r) => ({ pool: r.pool, metric: r.metric, value: r.value, at: r.at, receivedAt: r.received_at }));
    },
  };
}
