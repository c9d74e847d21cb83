import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { harness, type Harness } from '../../test/support/harness.js';
import { testApp, type TestApp } from '../../test/support/api.js';
import { jsonServer, type JsonServer } from '../../test/support/json-server.js';
import { scalingSpec } from '../../test/support/scaling.js';
import { runCli } from '../../test/support/process.js';
import { Autoscaler } from './autoscaler.js';

let h: Harness | undefined;
let server: JsonServer | undefined;
let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  await h?.close();
  await server?.close();
  h = server = t = undefined;
});

/** An autoscaled pool whose backlog asks for 6 machines, its autoscaler, and the API in front of the same store. */
async function setup() {
  server = await jsonServer({ queues: [{ name: 'jobs', depth: 600 }] });
  h = await harness({ pools: [{ desired: 6, max: 100, scaling: scalingSpec({ type: 'http-json', url: server.url, path: 'queues[0].depth' }, { stabilization: { scaleIn: 0, scaleOut: 0 } }) }] });
  t = await testApp({ store: h.store, clock: h.clock, parseConfig });
  const autoscaler = new Autoscaler({ store: h.store, clock: h.clock, log: pino({ level: 'silent' }) });
  const call = (method: 'PUT' | 'POST', url: string, payload?: object) => t!.app.inject({ method, url, headers: t!.headers, ...(payload ? { payload } : {}) });
  const desired = async () => (await h!.store.getPool('analysis'))!.desired;
  return { autoscaler, call, desired };
}

describe('autoscaled pools say who decides', () => {
  it('a manual scale of an autoscaled pool says the autoscaler will set it at its next evaluation, and how to pause it', async () => {
    const { autoscaler, call, desired } = await setup();
    const res = await call('PUT', '/api/v1/pools/analysis/desired', { desired: 80 });
    expect(res.statusCode).toBe(200);
    expect(res.json().autoscaling).toEqual({
      paused: false,
      message: 'analysis is autoscaled: the autoscaler sets its size at its next evaluation (every 10 s); to keep 80, run `flotte autoscaling pause analysis [--for 1h]` first, and `flotte autoscaling resume analysis` after',
    });
    await h!.clock.advance(10_000);
    await autoscaler.runOnce();
    expect(await desired()).toBe(6); // what the README tour saw: 80 undone
  });

  it('paused (for 1 h, audited, shown as AutoscalingPaused), the autoscaler leaves the pool alone; at the end it decides again', async () => {
    const { autoscaler, call, desired } = await setup();
    const start = h!.clock.now();
    const paused = await call('POST', '/api/v1/pools/analysis/autoscaling/pause', { for: '1h' });
    expect(paused.statusCode, paused.body).toBe(200);
    expect(paused.json()).toEqual({ pool: 'analysis', paused: true, until: new Date(start + 3_600_000).toISOString() });
    const scaled = await call('PUT', '/api/v1/pools/analysis/desired', { desired: 80 });
    expect(scaled.json().autoscaling).toMatchObject({ paused: true, until: new Date(start + 3_600_000).toISOString() });

    for (let i = 0; i < 5; i++) {
      await h!.clock.advance(10_000);
      expect(await autoscaler.runOnce()).toEqual([]);
    }
    expect(await desired()).toBe(80);
    const pool = (await t!.app.inject({ method: 'GET', url: '/api/v1/pools/analysis', headers: t!.headers })).json();
    expect(pool.conditions).toEqual([expect.objectContaining({ type: 'AutoscalingPaused', reason: 'Requested', until: new Date(start + 3_600_000).toISOString() })]);
    const audit = await h!.store.listAudit({ pool: 'analysis' });
    expect(audit.find((a) => a.action === 'POST /api/v1/pools/:name/autoscaling/pause')?.params).toMatchObject({ body: { for: '1h' } });

    await h!.clock.advance(3_600_000);
    await autoscaler.runOnce();
    expect(await desired()).toBe(6);
    expect(await h!.store.listConditions({ pool: 'analysis' })).toEqual([]);
    const events = (await h!.store.listEvents({ pool: 'analysis' })).map((e) => e.reason);
    expect(events).toEqual(expect.arrayContaining(['AutoscalingPaused', 'AutoscalingResumed']));
  });

  it('resume ends a pause at once; pause without --for holds until resumed; bad input changes nothing', async () => {
    const { autoscaler, call, desired } = await setup();
    expect((await call('POST', '/api/v1/pools/analysis/autoscaling/pause', {})).json()).toEqual({ pool: 'analysis', paused: true, until: null });
    await call('PUT', '/api/v1/pools/analysis/desired', { desired: 40 });
    await h!.clock.advance(86_400_000);
    await autoscaler.runOnce();
    expect(await desired()).toBe(40);

    const bad = await call('POST', '/api/v1/pools/analysis/autoscaling/pause', { for: 'soon' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/body\.for/);
    const notScaled = await call('POST', '/api/v1/pools/nope/autoscaling/pause', {});
    expect(notScaled.statusCode).toBe(404);

    expect((await call('POST', '/api/v1/pools/analysis/autoscaling/resume')).json()).toEqual({ pool: 'analysis', resumed: true });
    expect((await call('POST', '/api/v1/pools/analysis/autoscaling/resume')).json()).toEqual({ pool: 'analysis', resumed: false });
    await autoscaler.runOnce();
    expect(await desired()).toBe(6);
  });

  it('the real CLI: scale warns on stderr; autoscaling pause/resume; pools and explain show the pause; a bad --for is exit 2', async () => {
    await setup();
    const server = await t!.app.listen({ host: '127.0.0.1', port: 0 });
    const env = { FLOTTE_TOKEN: t!.headers.authorization!.replace(/^Bearer /, '') };
    const cli = (args: string[]) => runCli(args, { server, env });

    const warned = await cli(['scale', 'analysis', '80']);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stdout).toBe('pool analysis: desired 80\n');
    expect(warned.stderr).toBe('flotte: warning: analysis is autoscaled: the autoscaler sets its size at its next evaluation (every 10 s); to keep 80, run `flotte autoscaling pause analysis [--for 1h]` first, and `flotte autoscaling resume analysis` after\n');

    const bad = await cli(['autoscaling', 'pause', 'analysis', '--for', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--for must be a duration like 30m, 1h or 2d, got "soon"/);
    expect(await h!.store.listConditions({ pool: 'analysis' })).toEqual([]);

    const paused = await cli(['autoscaling', 'pause', 'analysis', '--for', '1h']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(paused.stdout).toMatch(/^autoscaling of analysis paused until \d{4}-.*Z/);
    const quiet = await cli(['scale', 'analysis', '80']);
    expect(quiet.stderr).toBe('');
    const pools = await cli(['pools']);
    expect(pools.stdout).toMatch(/analysis .*AutoscalingPaused/);
    expect(pools.stdout).toMatch(/analysis: AutoscalingPaused since .* until .*: autoscaling paused by request for 1h/);
    const explain = await cli(['explain', 'analysis']);
    expect(explain.stdout).toMatch(/Condition AutoscalingPaused since .* until /);

    const resumed = await cli(['autoscaling', 'resume', 'analysis']);
    expect(resumed.stdout).toBe('autoscaling of analysis resumed: it sets the size at its next evaluation\n');
    expect(await h!.store.listConditions({ pool: 'analysis' })).toEqual([]);
  });
});
