import { z } from 'zod';
import { ITEM_STATUSES, OPERATION_CONTROLS, OPERATION_KINDS, OPERATION_STATUSES } from '../../domain/operations/types.js';

const Amount = z.union([z.strictObject({ count: z.number() }), z.strictObject({ percent: z.number() })]);

/** A bulk operation as stored; times are epoch milliseconds. */
export const OperationSchema = z.strictObject({
  id: z.string(),
  kind: z.enum(OPERATION_KINDS),
  pool: z.string(),
  strategy: z.strictObject({
    kind: z.enum(['all-at-once', 'rolling']),
    batchSize: z.number().optional(),
    maxUnavailable: Amount.optional(),
    minHealthy: Amount.optional(),
    canary: z.strictObject({ count: z.number(), bakeMs: z.number() }).optional(),
    checkpoints: z.array(z.number()).optional(),
    failureThreshold: z.number().optional(),
  }),
  hard: z.boolean(),
  /** Started by flotte to replace drifted or old machines; absent when a person started it. */
  origin: z.enum(['drift', 'lifetime']).optional(),
  status: z.enum(OPERATION_STATUSES),
  control: z.enum(OPERATION_CONTROLS),
  progress: z.strictObject({
    phase: z.enum(['canary', 'baking', 'main']),
    bakeUntil: z.number().optional(),
    checkpointsPassed: z.array(z.number()),
    toVersion: z.number().optional(),
    fromVersion: z.number().optional(),
    api: z.strictObject({ calls: z.number(), throttled: z.number() }),
    poolSize: z.number(),
  }),
  message: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  finishedAt: z.number().optional(),
});
export type OperationView = z.infer<typeof OperationSchema>;

/** One machine of an operation. */
export const OperationItemSchema = z.strictObject({
  operation: z.string(),
  machine: z.string(),
  seq: z.number(),
  zone: z.string(),
  status: z.enum(ITEM_STATUSES),
  sentAt: z.number().optional(),
  acceptedAt: z.number().optional(),
  doneAt: z.number().optional(),
  error: z.string().optional(),
  intent: z.string().optional(),
  replacement: z.string().optional(),
});
export type OperationItemView = z.infer<typeof OperationItemSchema>;

const Bucket = z.strictObject({ tokens: z.number(), capacity: z.number(), refillPerSecond: z.number(), nominalRefillPerSecond: z.number() });

/** Counts, rate, ETA and the API budget of an operation (null where no controller runs it). */
export const OperationProgressSchema = z.strictObject({
  counts: z.record(z.enum(ITEM_STATUSES), z.number()),
  total: z.number(),
  perMinute: z.number(),
  etaMs: z.number().nullable(),
  durations: z.strictObject({ mean: z.number(), max: z.number(), samples: z.number() }),
  api: z.strictObject({
    operation: z.strictObject({ calls: z.number(), throttled: z.number() }),
    provider: z.strictObject({ calls: z.number(), throttled: z.number(), buckets: z.record(z.string(), Bucket) }).nullable(),
  }),
});
export type OperationProgressView = z.infer<typeof OperationProgressSchema>;

export const OperationAnswerSchema = z.strictObject({ operation: OperationSchema });
export type OperationAnswer = z.infer<typeof OperationAnswerSchema>;

/** The dry run: waves, machines per wave, API calls and the estimated time; nothing changed. */
export const OperationPreviewSchema = z.strictObject({
  dryRun: z.literal(true),
  preview: z.strictObject({
    waves: z.array(z.number()),
    calls: z.strictObject({ mutate: z.number(), launch: z.number() }),
    apiMs: z.number(),
    totalMs: z.number(),
    machines: z.number(),
    /** The first machines of each wave, for people to read. */
    waveSamples: z.array(z.array(z.string())),
    durations: z.strictObject({ mean: z.number(), max: z.number(), samples: z.number() }),
  }),
});
export type OperationPreview = z.infer<typeof OperationPreviewSchema>;

export const OperationListSchema = z.strictObject({ items: z.array(OperationSchema) });
export type OperationList = z.infer<typeof OperationListSchema>;

export const OperationsHaltedSchema = z.strictObject({ halted: z.array(z.string()) });
export type OperationsHalted = z.infer<typeof OperationsHaltedSchema>;

export const OperationDetailSchema = z.strictObject({
  operation: OperationSchema,
  progress: OperationProgressSchema.nullable(),
  failed: z.array(z.strictObject({ machine: z.string(), error: z.string().nullable() })),
});
export type OperationDetail = z.infer<typeof OperationDetailSchema>;

export const OperationItemListSchema = z.strictObject({ items: z.array(OperationItemSchema) });
export type OperationItemList = z.infer<typeof OperationItemListSchema>;
