import type { FastifyInstance } from 'fastify';
import { buildApp, type ApiDeps } from '../../src/api/app.js';
import { issueToken } from '../../src/api/tokens.js';
import { realClock } from '../../src/clock/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { operationsPort } from '../../src/control/operations/api-port.js';
import { EnvService } from '../../src/control/environments/service.js';
import type { Role } from '../../src/domain/access.js';
import { machine } from './domain-fixtures.js';
import { decorateProvider } from '../../src/compose/providers.js';
import { SimCloud } from '../../src/providers/sim/index.js';
import { CREDENTIAL_PREFIX, JOIN_TOKEN_PREFIX, randomSecret, secretHash } from '../../src/store/agent-secrets.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

/** Ids a fixture made, for filling route params. */
export interface Seeded {
  pool: string;
  machine: string;
  /** A spare token, for the revoke route. */
  tokenId: string;
  operation: string;
  joinToken: string;
  /** The seeded machine's agent credential, for its heartbeats. */
  credential: string;
  /** An environment owned by the developer token `as()` makes. */
  env: string;
}

export interface Example {
  url: string;
  body?: unknown;
  /** Replaces the caller's headers (agent routes take a join token, not a user token). */
  headers?: Record<string, string>;
}

/**
 * One request per route that succeeds for a caller allowed to make it, keyed as Fastify
 * declares the route. A route without an example fails the OpenAPI and matrix tests: add one.
 */
export const EXAMPLES: Record<string, (s: Seeded) => Example> = {
  'GET /healthz': () => ({ url: '/healthz' }),
  'GET /readyz': () => ({ url: '/readyz' }),
  'GET /metrics': () => ({ url: '/metrics' }),
  'GET /api/openapi.json': () => ({ url: '/api/openapi.json' }),
  'GET /api/v1/pools': () => ({ url: '/api/v1/pools?limit=10' }),
  'GET /api/v1/pools/:name': (s) => ({ url: `/api/v1/pools/${s.pool}` }),
  'GET /api/v1/pools/:name/machines': (s) => ({ url: `/api/v1/pools/${s.pool}/machines?limit=2` }),
  'PUT /api/v1/pools/:name/desired': (s) => ({ url: `/api/v1/pools/${s.pool}/desired`, body: { desired: 7 } }),
  'GET /api/v1/drift': (s) => ({ url: `/api/v1/drift?pool=${s.pool}` }),
  'GET /api/v1/pools/:name/decisions': (s) => ({ url: `/api/v1/pools/${s.pool}/decisions` }),
  'GET /api/v1/events': () => ({ url: '/api/v1/events?limit=5' }),
  'GET /api/v1/pools/:name/events': (s) => ({ url: `/api/v1/pools/${s.pool}/events` }),
  'GET /api/v1/events/stream': () => ({ url: '/api/v1/events/stream' }),
  'GET /api/v1/config': () => ({ url: '/api/v1/config' }),
  'POST /api/v1/apply': () => ({ url: '/api/v1/apply', body: { source: FIXTURE_YAML, file: 'flotte.yaml' } }),
  'POST /api/v1/plan': () => ({ url: '/api/v1/plan', body: { source: 'duration: 10m\nworkload: { trace: { constant: 10 } }\nscenarios: [{ name: a, provider: aws, size: { name: m5.large, throughput: 5 }, pool: { max: 3, initial: 3 } }]\n' } }),
  'POST /api/v1/tokens': () => ({ url: '/api/v1/tokens', body: { name: 'ci', role: 'viewer', ttlSeconds: 3600 } }),
  'GET /api/v1/tokens': () => ({ url: '/api/v1/tokens' }),
  'DELETE /api/v1/tokens/:id': (s) => ({ url: `/api/v1/tokens/${s.tokenId}` }),
  'GET /api/v1/audit': (s) => ({ url: `/api/v1/audit?pool=${s.pool}&since=2020-01-01T00:00:00Z` }),
  'GET /api/v1/whoami': () => ({ url: '/api/v1/whoami' }),
  'POST /api/v1/agents/join': (s) => ({ url: '/api/v1/agents/join', body: agentReport(s), headers: { authorization: `Bearer ${s.joinToken}` } }),
  'POST /api/v1/agents/heartbeat': (s) => ({ url: '/api/v1/agents/heartbeat', body: agentReport(s), headers: { authorization: `Bearer ${s.credential}` } }),
  'POST /api/v1/pools/:name/resume-healing': (s) => ({ url: `/api/v1/pools/${s.pool}/resume-healing` }),
  'POST /api/v1/pools/:name/autoscaling/pause': () => ({ url: '/api/v1/pools/batch/autoscaling/pause', body: { for: '1h' } }),
  'POST /api/v1/pools/:name/autoscaling/resume': () => ({ url: '/api/v1/pools/batch/autoscaling/resume' }),
  'POST /api/v1/pools/:name/metrics': () => ({ url: '/api/v1/pools/batch/metrics', body: { samples: [{ metric: 'queue', value: 42 }] } }),
  'PUT /api/v1/machines/:id/protection': (s) => ({ url: `/api/v1/machines/${s.machine}/protection`, body: { protected: true } }),
  'GET /api/v1/pools/:name/join-token': (s) => ({ url: `/api/v1/pools/${s.pool}/join-token` }),
  // The seeded operation runs on the first pool; a new one goes to the second.
  'POST /api/v1/operations': () => ({ url: '/api/v1/operations', body: { kind: 'restart', pool: 'batch' } }),
  'POST /api/v1/operations/dry-run': (s) => ({ url: '/api/v1/operations/dry-run', body: { kind: 'restart', pool: s.pool } }),
  'GET /api/v1/operations': () => ({ url: '/api/v1/operations' }),
  'POST /api/v1/operations/stop': () => ({ url: '/api/v1/operations/stop' }),
  'GET /api/v1/operations/:id': (s) => ({ url: `/api/v1/operations/${s.operation}` }),
  'GET /api/v1/operations/:id/items': (s) => ({ url: `/api/v1/operations/${s.operation}/items` }),
  'POST /api/v1/operations/:id/pause': (s) => ({ url: `/api/v1/operations/${s.operation}/pause` }),
  'POST /api/v1/operations/:id/resume': (s) => ({ url: `/api/v1/operations/${s.operation}/resume` }),
  'POST /api/v1/operations/:id/cancel': (s) => ({ url: `/api/v1/operations/${s.operation}/cancel` }),
  'GET /api/v1/environment-templates': () => ({ url: '/api/v1/environment-templates' }),
  'POST /api/v1/environments': () => ({ url: '/api/v1/environments', body: { name: 'example', template: 'dev', ttl: '2h' } }),
  'GET /api/v1/environments': () => ({ url: '/api/v1/environments' }),
  'GET /api/v1/environments/:id': (s) => ({ url: `/api/v1/environments/${s.env}` }),
  'DELETE /api/v1/environments/:id': (s) => ({ url: `/api/v1/environments/${s.env}` }),
  'GET /api/v1/environment-usage': () => ({ url: '/api/v1/environment-usage?since=7d' }),
  'GET /api/v1/environments/:id/connect': (s) => ({ url: `/api/v1/environments/${s.env}/connect?role=app` }),
  'POST /api/v1/environments/:id/extend': (s) => ({ url: `/api/v1/environments/${s.env}/extend`, body: { by: '1h' } }),
  'POST /api/v1/environments/:id/stop': (s) => ({ url: `/api/v1/environments/${s.env}/stop` }),
  'POST /api/v1/environments/:id/start': (s) => ({ url: `/api/v1/environments/${s.env}/start` }),
  'GET /api/v1/notifications/deliveries': () => ({ url: '/api/v1/notifications/deliveries?status=dead' }),
  // Its secret variable is unset on purpose: the answer says so, without calling out anywhere.
  'POST /api/v1/notifications/subscriptions/:name/test': () => ({ url: '/api/v1/notifications/subscriptions/oncall/test' }),
};

/** The fixture's own config, so changes to the built-in demo cannot move these tests. */
export const FIXTURE_YAML = `
cluster: routes
providers:
  sim:
    type: sim
templates:
  small:
    provider: sim
    image: img-1
    size: m5.large
pools:
  analysis:
    template: small
    min: 0
    max: 50
    desired: 3
  batch:
    template: small
    min: 0
    max: 10
    desired: 1
    scaling:
      metrics:
        backlog: { type: trace, curve: { kind: daily, base: 10, peak: 60, peakHour: 14, periodSeconds: 1800, seed: 7 } }
        queue: { type: push }
      policies:
        - { type: target-tracking, metric: backlog, target: 10 }
environments:
  templates:
    dev:
      roles:
        app: { template: small }
notifications:
  subscriptions:
    oncall: { url: 'http://127.0.0.1:9/hook', secretEnv: FLOTTE_EXAMPLE_UNSET_SECRET, events: [HealingPaused] }
`;

const agentReport = (s: Seeded) => ({ machine: s.machine, pool: s.pool, load: { load1: 0.5, cpu: 0.2, memory: 0.3 } });

export interface Fixture {
  app: FastifyInstance;
  /** Where the app listens, for routes that stream. */
  base: string;
  store: Store;
  seeded: Seeded;
  /** Headers of a fresh token for `role`. */
  as(role: Role): Promise<Record<string, string>>;
  close(): Promise<void>;
}

/** A listening API over a fresh store (in memory unless `storeUrl` names a file) holding the demo config, three machines, a token and an operation. */
export async function fixture(over: Partial<ApiDeps> = {}, storeUrl = ':memory:'): Promise<Fixture> {
  const clock = realClock;
  const store = await openStore(storeUrl);
  const parsed = parseConfig(FIXTURE_YAML, 'fixture');
  if (!parsed.ok) throw new Error(`fixture config must parse: ${JSON.stringify(parsed.errors)}`);
  await store.applyConfig(parsed.applied, clock.now());
  const pool = parsed.applied.pools[0]!.name;
  const machines = ['m-1', 'm-2', 'm-3'].map((id, i) => machine(id, { pool, zone: `sim-${'abc'[i]}`, since: clock.now(), launchedAt: clock.now() }));
  await store.saveMachines([...machines, machine('b-1', { pool: 'batch', zone: 'sim-a', since: clock.now(), launchedAt: clock.now() })]);
  const providers = new Map([['sim', decorateProvider(new SimCloud({ zones: ['sim-a', 'sim-b', 'sim-c'] }, clock), { clock })]]);
  const operations = operationsPort({ store, providers, now: () => clock.now(), observeMs: 1000, wake: () => undefined });
  const created = await operations.create({ kind: 'restart', pool, strategy: { kind: 'all-at-once' }, hard: false });
  if ('error' in created) throw new Error(created.error);
  const spare = await issueToken(store, { name: 'spare', role: 'viewer', createdBy: 'test' }, clock.now());
  // Ready, as the reconciler would have made it, so that stop (and start) apply to it.
  const env = await new EnvService(store, clock).create({ name: 'as-developer', all: false }, { name: 'seeded', template: 'dev' });
  await store.environments.update({ ...env, status: 'ready', readyAt: clock.now() }, 'creating');
  // Its one machine, ready at an address, as the controller would have recorded it (the connect route).
  await store.saveMachines([machine('e-app-1', { pool: env.roles[0]!.pool, since: clock.now(), launchedAt: clock.now(), addresses: [{ kind: 'private', value: '10.0.0.9' }] })]);
  // A minted join token and a joined agent on m-1, as the join-token route and a join would leave them.
  const joinToken = randomSecret(JOIN_TOKEN_PREFIX);
  await store.addJoinSecret({ id: 'js-seeded', pool, hash: secretHash(joinToken), kind: 'minted', createdAt: clock.now(), createdBy: 'test' });
  const credential = randomSecret(CREDENTIAL_PREFIX);
  await store.joinAgent({ machine: 'm-1', pool, joinedAt: clock.now(), lastAt: clock.now(), busy: 0, sessions: 0, available: true, drained: false, load: { load1: 0.5, cpu: 0.2, memory: 0.3 } }, secretHash(credential));
  const seeded: Seeded = { pool, machine: 'm-1', tokenId: spare.token.id, operation: created.operation.id, joinToken, credential, env: env.id };
  const app = await buildApp({ store, clock, parseConfig, providers, operations, ...over } as ApiDeps);
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    app,
    base,
    store,
    seeded,
    async as(role) {
      const { secret } = await issueToken(store, { name: `as-${role}`, role, createdBy: 'test' }, clock.now());
      return { authorization: `Bearer ${secret}` };
    },
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/** Sends one example; a stream is read for its status and headers only, then dropped. */
export async function send(fx: Fixture, method: string, ex: Example, headers: Record<string, string>): Promise<{ status: number; body: string; headers: Headers }> {
  const stop = new AbortController();
  const res = await fetch(fx.base + ex.url, {
    method,
    headers: { ...headers, ...ex.headers, ...(ex.body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: ex.body === undefined ? undefined : JSON.stringify(ex.body),
    signal: stop.signal,
  });
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    stop.abort();
    return { status: res.status, body: '', headers: res.headers };
  }
  return { status: res.status, body: await res.text(), headers: res.headers };
}
