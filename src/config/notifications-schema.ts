import { z } from 'zod';
import { NOTIFICATION_KINDS, type Subscription } from '../domain/notifications.js';
import { Name } from '../providers/config-fields.js';

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;

/**
 * One webhook. The signing key never sits in flotte.yaml (it is stored and shown by
 * `flotte config show`): like `agent.joinTokenEnv`, the file names an environment variable,
 * or a file, read on the process that sends.
 */
const SubscriptionSchema = z
  .strictObject({
    url: z.url().refine((u) => /^https?:\/\//i.test(u), { message: 'the receiver must be an http:// or https:// URL', params: { hint: 'write its address, e.g. https://hooks.example.com/flotte' } }),
    secretEnv: z.string().regex(ENV_NAME, { error: 'an environment variable name like ONCALL_WEBHOOK_SECRET' }).optional(),
    secretFile: z.string().min(1).optional(),
    events: z.array(z.enum(NOTIFICATION_KINDS as [string, ...string[]])).min(1),
  })
  .superRefine((s, ctx) => {
    if ((s.secretEnv === undefined) === (s.secretFile === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give exactly one of secretEnv and secretFile', params: { hint: 'secretEnv: NAME_OF_A_VARIABLE set where flotte runs, or secretFile: /path/to/key' } });
    }
    s.events.forEach((e, i) => {
      if (s.events.indexOf(e) !== i) ctx.addIssue({ code: 'custom', path: ['events', i], message: `${e} is listed twice`, params: { hint: 'list each kind once' } });
    });
  });

/** The `notifications:` section of flotte.yaml: see docs/notifications.md. */
export const NotificationsSchema = z
  .strictObject({ subscriptions: z.record(Name, SubscriptionSchema).default({}) })
  .prefault({})
  .transform((n): Subscription[] =>
    Object.entries(n.subscriptions).map(([name, s]) => ({
      name,
      url: s.url,
      events: s.events as Subscription['events'],
      secret: s.secretEnv !== undefined ? { env: s.secretEnv } : { file: s.secretFile! },
    })),
  );
