import { z } from 'zod';
import { parseDuration } from '../domain/environments/duration.js';
import { RETENTION_DEFAULTS, type RetentionPolicy } from '../domain/retention.js';

const Age = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, { message: 'a duration like 12h, 14d or 400d', params: { hint: 'write a whole number and a unit (s, m, h or d), e.g. 14d' } })
  // For the JSON Schema (editors): the same rule as parseDuration, which zod's refine cannot show.
  .meta({ description: 'An age: whole numbers with a unit s, m, h or d, e.g. 36h, 14d.', pattern: '^(\\d+[smhd])+$' })
  .transform((s) => parseDuration(s)!);

const D = RETENTION_DEFAULTS;

/**
 * The `retention:` section of flotte.yaml: how long flotte keeps its own history. Every field
 * has a default (README, "Retention"); ages are durations (`90m`, `36h`, `14d`), read as ms.
 */
export const RetentionSchema = z
  .strictObject({
    events: z
      .strictObject({
        maxAge: Age.default(D.events.maxAgeMs),
        /** Newest events kept at most, whatever their age: a scale storm cannot fill the disk within the age limit. */
        maxRows: z.int().min(1_000).default(D.events.maxRows),
      })
      .prefault({}),
    decisions: z.strictObject({ maxAge: Age.default(D.decisions.maxAgeMs) }).prefault({}),
    audit: z.strictObject({ maxAge: Age.default(D.audit.maxAgeMs) }).prefault({}),
  })
  .prefault({})
  .transform(
    (r): RetentionPolicy => ({
      events: { maxAgeMs: r.events.maxAge, maxRows: r.events.maxRows },
      decisions: { maxAgeMs: r.decisions.maxAge },
      audit: { maxAgeMs: r.audit.maxAge },
    }),
  );
