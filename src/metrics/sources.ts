import type { MetricSourceSpec } from '../domain/scaling/spec.js';
import { agentsSource } from './agents.js';
import { httpJsonSource } from './http-json.js';
import { prometheusSource } from './prometheus.js';
import { pushSource } from './pushed.js';
import { rabbitmqSource } from './rabbitmq.js';
import { redisSource } from './redis.js';
import type { MetricSource, SourceEnv } from './source.js';
import { READ_TIMEOUT_MS } from './source.js';
import { traceSource } from './trace-source.js';

/** The one place that turns a declared metric into a live source. */
export function openSource(spec: MetricSourceSpec, env: SourceEnv): MetricSource {
  const timeout = (s: number | undefined) => (s === undefined ? READ_TIMEOUT_MS : s * 1000);
  switch (spec.type) {
    case 'prometheus':
      return prometheusSource(env.clock, spec.url, spec.query, timeout(spec.timeoutSeconds));
    case 'http-json':
      return httpJsonSource(env.clock, spec.url, spec.path, { headers: spec.headers, timePath: spec.timePath, timeoutMs: timeout(spec.timeoutSeconds) });
    case 'redis':
      return redisSource(env.clock, spec.url, spec.kind, spec.key, { group: spec.group, prefix: spec.prefix, watch: spec.watch, changed: env.changed, notice: env.notice });
    case 'rabbitmq':
      // AMQP tells consumers about messages, never an observer about a queue's depth: read at each evaluation.
      return rabbitmqSource(env.clock, spec.url, spec.queue);
    case 'push':
      return pushSource(env);
    case 'agents':
      return agentsSource(env.clock, env.agents, env.pool, spec.measure, env.warmupSeconds);
    case 'trace':
      return traceSource(env.clock, spec.curve);
  }
}
