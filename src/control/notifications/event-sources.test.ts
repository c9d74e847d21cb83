import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { converged } from '../../../test/support/harness.js';
import { jsonServer, type JsonServer } from '../../../test/support/json-server.js';
import { opsHarness, type OpsHarness } from '../../../test/support/ops.js';
import { scalingSpec } from '../../../test/support/scaling.js';
import { matchEvent, type Subscription } from '../../domain/notifications.js';
import { Autoscaler } from '../autoscaler.js';

/** The events the notification kinds that had no source before are made of. */
const log = pino({ level: 'silent' });
const oncall: Subscription = { name: 'oncall', url: 'http://127.0.0.1/h', secret: { env: 'S' }, events: ['PoolAtMaxWithWorkWaiting', 'OperationFailed', 'OperationSucceeded'] };
let h: OpsHarness | undefined;
let server: JsonServer | undefined;
afterEach(async () => {
  await h?.close();
  await server?.close();
  h = server = undefined;
});

const reasons = async (o: OpsHarness, reason: string) => (await o.store.listEvents({ pool: 'analysis' })).filter((e) => e.reason === reason);

describe('events notifications are made of', () => {
  it('PoolAtMax: said once when the max cuts what the policies ask, again only after a stretch below it', async () => {
    server = await jsonServer({ queues: [{ name: 'jobs', depth: 0 }] });
    h = await opsHarness({ pools: [{ desired: 2, max: 5, scaling: scalingSpec({ type: 'http-json', url: server.url, path: 'queues[0].depth' }, { evaluationInterval: 10 }) }] });
    const autoscaler = new Autoscaler({ store: h.store, clock: h.clock, log });
    const round = async (depth: number) => {
      server!.doc = { queues: [{ name: 'jobs', depth }] };
      await h!.clock.advance(10_000);
      await autoscaler.runOnce();
    };
    await round(1_000);
    await round(1_000);
    const first = await reasons(h, 'PoolAtMax');
    expect(first).toHaveLength(1);
    expect(first[0]!.data).toEqual({ wanted: expect.any(Number), max: 5 });
    expect((first[0]!.data as { wanted: number }).wanted).toBeGreaterThan(5);
    expect(matchEvent(first[0]!, [oncall])).toEqual([{ subscription: 'oncall', kind: 'PoolAtMaxWithWorkWaiting' }]);
    await round(0);
    await round(1_000);
    expect(await reasons(h, 'PoolAtMax')).toHaveLength(2);
  });

  it('an operation that succeeds or fails ends with OperationSucceeded or OperationFailed naming it', async () => {
    h = await opsHarness({ pools: [{ desired: 3 }], sim: { rebootSeconds: { min: 5, max: 5 } } });
    await h.tickUntil(() => converged(h!.store, 3));
    const ok = await h.runOperation((await h.start({ kind: 'restart', pool: 'analysis', strategy: { kind: 'all-at-once' } })).id);
    expect(ok.status).toBe('succeeded');
    const [succeeded] = await reasons(h, 'OperationSucceeded');
    expect(succeeded).toMatchObject({ data: { operation: ok.id, kind: 'restart', status: 'succeeded' } });
    expect(matchEvent(succeeded!, [oncall])).toEqual([{ subscription: 'oncall', kind: 'OperationSucceeded' }]);

    // A replace whose new image never comes up fails its canary and is rolled back: a failure to page about.
    const config = (await h.store.currentConfig())!;
    await h.store.applyConfig({ ...config, templates: config.templates.map((t) => ({ ...t, image: 'img-2' })), pools: await h.store.listPools() }, h.clock.now());
    h.sim.options.launchFailureRate = 1;
    const bad = await h.runOperation((await h.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'rolling', maxUnavailable: { count: 1 }, canary: { count: 1, bakeMs: 10_000 } } })).id, { stepMs: 2_000 });
    expect(bad.status).toBe('rolled-back');
    const [failed] = await reasons(h, 'OperationFailed');
    expect(failed).toMatchObject({ data: { operation: bad.id, kind: 'replace', status: 'rolled-back' } });
    expect(failed!.message).toContain(bad.id);
  });
});
