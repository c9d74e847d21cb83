import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { appliedNotifications } from '../../config/applied.js';
import { postSigned, readSecret } from '../../control/notifications/signed-post.js';
import { notificationBody, NOTIFY_RETRY } from '../../domain/notifications.js';
import type { Delivery } from '../../store/ports.js';
import type { ApiDeps } from '../app.js';
import { DeliveryListSchema, TestDeliverySchema } from '../contract/index.js';
import { notFound } from '../errors.js';
import { defineRoute } from '../route.js';

const iso = (t: number) => new Date(t).toISOString();

export const deliveryView = (d: Delivery) => ({
  id: d.id,
  subscription: d.subscription,
  kind: d.kind,
  event: d.event,
  pool: d.pool,
  status: d.status,
  attempts: d.attempts,
  nextAt: d.status === 'pending' ? iso(d.nextAt) : null,
  createdAt: iso(d.createdAt),
  updatedAt: iso(d.updatedAt),
  ...(d.deliveredAt !== undefined && { deliveredAt: iso(d.deliveredAt) }),
  ...(d.lastError !== undefined && { lastError: d.lastError }),
  ...(d.lastStatus !== undefined && { lastStatus: d.lastStatus }),
});

export function notificationRoutes(deps: ApiDeps) {
  const { store, clock } = deps;
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/notifications/deliveries',
      summary: 'The notification delivery log, newest first: status, attempts and last error; `status=dead` is the dead-letter list',
      tags: ['notifications'],
      permission: 'events:read',
      response: DeliveryListSchema,
      query: z.object({
        status: z.enum(['pending', 'delivered', 'dead']).optional(),
        subscription: z.string().optional(),
        limit: z.coerce.number().int().min(1).max(1_000).default(100),
      }),
      async handler({ query }) {
        return { items: (await store.notifications.listDeliveries(query)).map(deliveryView) };
      },
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/notifications/subscriptions/:name/test',
      summary: "Send a signed test delivery to a subscription now and return the receiver's answer (not retried, not logged)",
      tags: ['notifications'],
      // It makes the server call out to a URL of the config: as much as applying one.
      permission: 'config:apply',
      response: TestDeliverySchema,
      params: z.object({ name: z.string().min(1) }),
      async handler({ params }) {
        const sub = appliedNotifications(await store.currentConfig()).find((s) => s.name === params.name);
        if (!sub) throw notFound('subscription', params.name);
        const delivery = `test-${randomUUID()}`;
        const base = { subscription: sub.name, url: sub.url, delivery };
        let secret: string;
        try {
          secret = await readSecret(sub, process.env);
        } catch (e) {
          return { ...base, ok: false, error: (e as Error).message, ms: 0 };
        }
        const body = notificationBody(sub.name, 'Test', undefined, clock.now());
        const r = await postSigned({ url: sub.url, body, secret, delivery, kind: 'Test', clock, timeoutMs: NOTIFY_RETRY.timeoutMs });
        return { ...base, ...r };
      },
    }),
  ];
}
