import { z } from 'zod';

export const HealthzSchema = z.strictObject({ ok: z.literal(true) });

/** Readiness: the store answers and takes writes; each provider's last answer. */
export const ReadyzSchema = z.strictObject({
  ok: z.literal(true),
  providers: z.record(z.string(), z.strictObject({ answering: z.boolean(), lastSuccess: z.iso.datetime().nullable(), error: z.string().optional() })),
});
export type Readyz = z.infer<typeof ReadyzSchema>;

/** Prometheus text exposition format. */
export const MetricsTextSchema = z.string().describe('Prometheus text exposition format');

/** An OpenAPI 3.1 document. */
export const OpenApiSchema = z.looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) });
