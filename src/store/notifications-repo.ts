import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, NotificationDeliveriesTable } from './database.js';
import type { Delivery, DeliveryStatus, NewDelivery, NotificationsPort } from './ports.js';

type Db = Kysely<Database>;

const toDelivery = (r: Selectable<NotificationDeliveriesTable>): Delivery => ({
  id: r.id,
  subscription: r.subscription,
  kind: r.kind,
  event: r.event,
  pool: r.pool,
  body: r.body,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAt: r.next_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  ...(r.last_error !== null ? { lastError: r.last_error } : {}),
  ...(r.last_status !== null ? { lastStatus: r.last_status } : {}),
  ...(r.delivered_at !== null ? { deliveredAt: r.delivered_at } : {}),
});

/** The outbox behind `NotificationsPort`; every write that changes a claimed row checks the claim. */
export function notificationsRepo(db: Db): NotificationsPort {
  return {
    async cursor(name) {
      const row = await db.selectFrom('notification_cursor').select('last_event').where('name', '=', name).executeTakeFirst();
      return row?.last_event;
    },

    async enqueue(name, deliveries, lastEvent) {
      await db.transaction().execute(async (trx) => {
        if (deliveries.length > 0) {
          const rows = deliveries.map((d: NewDelivery) => ({ ...row(d), status: 'pending', attempts: 0, next_at: d.createdAt, updated_at: d.createdAt }));
          // Two controllers tailing the same events make the same ids: the second insert is a no-op.
          await trx.insertInto('notification_deliveries').values(rows).onConflict((oc) => oc.column('id').doNothing()).execute();
        }
        // The cursor only moves forward, whoever writes it.
        await trx
          .insertInto('notification_cursor')
          .values({ name, last_event: lastEvent })
          .onConflict((oc) => oc.column('name').doUpdateSet({ last_event: sql<number>`case when excluded.last_event > notification_cursor.last_event then excluded.last_event else notification_cursor.last_event end` }))
          .execute();
      });
    },

    async due(now, limit) {
      const rows = await db
        .selectFrom('notification_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .orderBy('next_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },

    async claim(id, holder, now, until) {
      // Compare-and-set: of two senders that both saw the row due, only one updates it.
      const r = await db
        .updateTable('notification_deliveries')
        .set({ claimed_by: holder, claimed_until: until })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .where('next_at', '<=', now)
        .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async settle(id, holder, outcome) {
      await db
        .updateTable('notification_deliveries')
        .set({
          status: outcome.status,
          attempts: sql<number>`attempts + 1`,
          next_at: outcome.nextAt,
          // A delivery that got through keeps the error of the attempt before, for the log.
          ...(outcome.status !== 'delivered' && { last_error: outcome.error ?? null }),
          last_status: outcome.httpStatus ?? null,
          updated_at: outcome.at,
          delivered_at: outcome.status === 'delivered' ? outcome.at : null,
          claimed_by: null,
          claimed_until: null,
        })
        .where('id', '=', id)
        .where('claimed_by', '=', holder)
        .execute();
    },

    async listDeliveries(query) {
      let q = db.selectFrom('notification_deliveries').selectAll();
      if (query.status !== undefined) q = q.where('status', '=', query.status);
      if (query.subscription !== undefined) q = q.where('subscription', '=', query.subscription);
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit ?? 100).execute();
      return rows.map(toDelivery);
    },
  };
}

const row = (d: NewDelivery) => ({ id: d.id, subscription: d.subscription, kind: d.kind, event: d.event, pool: d.pool, body: d.body, created_at: d.createdAt });
