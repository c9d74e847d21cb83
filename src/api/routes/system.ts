import { WriteProbe } from '../../store/write-probe.js';
import { ApiError } from '../errors.js';
import type { ApiMetrics, StatsSource } from '../metrics.js';
import { openApiDocument } from '../openapi.js';
import { defineRoute, type RouteDef } from '../route.js';
import type { ApiDeps } from '../app.js';
import { HealthzSchema, MetricsTextSchema, OpenApiSchema, ReadyzSchema } from '../contract/index.js';

export const API_VERSION = '1.0.0';

/** Each provider's last answer: the in-process controller's view, else what a controller stored as conditions. */
async function providerReadiness(deps: ApiDeps): Promise<Record<string, { answering: boolean; lastSuccess: string | null; error?: string }>> {
  const iso = (t: unknown) => (typeof t === 'number' ? new Date(t).toISOString() : null);
  const out: Record<string, { answering: boolean; lastSuccess: string | null; error?: string }> = {};
  const seen = deps.reachability?.();
  if (seen) {
    for (const [name, r] of seen) out[name] = { answering: !r.unavailable, lastSuccess: iso(r.lastOkAt), ...(r.lastError && r.failingSince !== undefined ? { error: r.lastError } : {}) };
    return out;
  }
  for (const c of await deps.store.listConditions({ type: 'ProviderUnavailable' })) {
    const name = c.data?.provider;
    if (typeof name === 'string') out[name] = { answering: false, lastSuccess: iso(c.data?.lastOkAt), error: c.message };
  }
  return out;
}

/**
 * Probes, metrics and the API description. `/healthz`, `/readyz` and (unless
 * `metricsNeedToken`) `/metrics` are the only routes open without a token.
 */
export function systemRoutes(deps: ApiDeps, metrics: ApiMetrics, documented: () => readonly RouteDef[]) {
  const providers: ReadonlyMap<string, StatsSource> = deps.providers ?? new Map();
  let doc: string | undefined;
  const writable = new WriteProbe(deps.store, () => deps.clock.now());
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      summary: 'Liveness: the process answers',
      tags: ['system'],
      permission: 'public',
      response: HealthzSchema,
      handler: async () => ({ ok: true }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      summary: "Readiness: the store answers and takes writes; each provider's last answer",
      tags: ['system'],
      permission: 'public',
      response: ReadyzSchema,
      async handler() {
        try {
          await deps.store.revision();
        } catch (e) {
          throw new ApiError('unavailable', `store unreachable: ${(e as Error).message}`);
        }
        const notWritable = await writable.problem();
        if (notWritable) throw new ApiError('storage_unavailable', notWritable);
        return { ok: true, providers: await providerReadiness(deps) };
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/metrics',
      summary: 'Prometheus metrics: fleet, provider calls, API requests',
      tags: ['system'],
      permission: deps.metricsNeedToken ? 'pools:read' : 'public',
      response: MetricsTextSchema,
      produces: 'text/plain',
      async handler({ reply }) {
        const text = await metrics.scrape(deps.store, providers);
        return reply.type(metrics.registry.contentType).send(text);
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/openapi.json',
      summary: 'This API as an OpenAPI 3.1 document',
      tags: ['system'],
      permission: 'public',
      response: OpenApiSchema,
      async handler({ reply }) {
        doc ??= JSON.stringify(openApiDocument(documented(), API_VERSION));
        return reply.type('application/json').send(doc);
      },
    }),
  ];
}
