import { z } from 'zod';

/** Names of providers, templates and pools: they end up in tags, URLs and file names. */
export const NAME_RE = /^[a-z][a-z0-9-]{0,62}$/;

/** Field types several provider sections (and the rest of flotte.yaml) share. */
export const Name = z.string().regex(NAME_RE);

export const ZoneList = z.array(z.string().min(1)).superRefine((zones, ctx) => {
  zones.forEach((zone, i) => {
    if (zones.indexOf(zone) !== i) {
      ctx.addIssue({
        code: 'custom',
        path: [i],
        message: `zone "${zone}" is listed twice`,
        params: { hint: 'list each zone once' },
      });
    }
  });
});

/** A request bucket: what a provider's API allows in a burst and per second after it. */
export const Bucket = z.strictObject({ capacity: z.number().positive(), refillPerSecond: z.number().min(0) });

/** A provider's request buckets per action kind, each defaulting on its own: `buckets: { launch: … }` keeps the other two. */
export function bucketsField(d: Readonly<Record<'describe' | 'mutate' | 'launch', z.infer<typeof Bucket>>>) {
  return z
    .strictObject({
      describe: Bucket.default({ ...d.describe }),
      mutate: Bucket.default({ ...d.mutate }),
      launch: Bucket.default({ ...d.launch }),
    })
    .prefault({});
}
