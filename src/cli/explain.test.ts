import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testApp, type TestApp } from '../../test/support/api.js';
import { jsonServer, type JsonServer } from '../../test/support/json-server.js';
import { runCli } from '../../test/support/process.js';
import { scalingRig, scalingSpec, type ScalingRig } from '../../test/support/scaling.js';
import { parseConfig } from '../config/load.js';
import { formatExplain, type DecisionsPage } from './explain-format.js';

const T0 = Date.UTC(2026, 0, 1);
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

/**
 * Three real decisions, made by the autoscaler from a real HTTP JSON source on a virtual clock:
 * a scale-out, a scale-in held by the stabilization window, and a hold on stale data.
 */
describe('flotte explain', () => {
  let rig: ScalingRig;
  let server: JsonServer;
  let api: TestApp;
  let page: DecisionsPage;

  beforeAll(async () => {
    server = await jsonServer({ depth: 4_000, measuredAt: iso(0) });
    rig = await scalingRig(scalingSpec({ type: 'http-json', url: server.url, path: 'depth', timePath: 'measuredAt' }), { desired: 2 });
    await rig.autoscaler.runOnce(); // t=0: scale out 2 → 40
    await rig.clock.advance(10_000);
    server.doc = { depth: 0, measuredAt: iso(10) };
    await rig.autoscaler.runOnce(); // t=10: wants 0, the window holds 40
    await rig.clock.advance(60_000); // the exporter froze at t=10: at t=70 its value is 60 s old
    await rig.autoscaler.runOnce();
    api = await testApp({ store: rig.store, clock: rig.clock, parseConfig });
    const res = await api.app.inject({ method: 'GET', url: '/api/v1/pools/analysis/decisions', headers: api.headers });
    expect(res.statusCode).toBe(200);
    page = res.json<DecisionsPage>();
  });
  afterAll(async () => {
    await api?.app.close();
    await rig?.close();
    await server?.close();
  });

  it('the API serves the decisions newest first, with their explanation', () => {
    expect(page.items.map((d) => [d.at, d.current, d.desired])).toEqual([
      [iso(70), 40, 40],
      [iso(10), 40, 40],
      [iso(0), 2, 40],
    ]);
    expect(page.autoscaling).toEqual({ dryRun: false, evaluationInterval: 10, policies: 1 });
  });

  it('reads as plain words: inputs with values and times, proposals, what changed them, the result', () => {
    const text = formatExplain(page);
    const blocks = text.split('\n\n');
    expect(blocks[0]).toBe('Pool analysis: desired 40; 1 scaling policy, evaluated every 10 s.');
    expect(blocks[1]).toBe(
      [
        `${iso(0)}  scale out 2 → 40`,
        '  inputs:',
        `    backlog = 4000 at ${iso(0)}`,
        '  policies:',
        '    target-tracking on backlog: proposes 40 (backlog 4000 ÷ target 100 per machine = 40)',
        '  combined: 40 (the largest proposal)',
        '  result: scale out from 2 to 40',
      ].join('\n'),
    );
    expect(blocks[2]).toBe(
      [
        `${iso(10)}  hold at 40`,
        '  inputs:',
        `    backlog = 0 at ${iso(10)}`,
        '  policies:',
        '    target-tracking on backlog: proposes 0 (backlog 0 ÷ target 100 per machine = 0)',
        '  combined: 0 (the largest proposal)',
        '  stabilization window: 0 → 40 (highest recommendation in the last 300 s was 40)',
        '  result: held at 40: scale-in to 0 waits for the stabilization window',
      ].join('\n'),
    );
    expect(blocks[3]).toBe(
      [
        `${iso(70)}  hold at 40`,
        '  inputs:',
        `    backlog = 0 at ${iso(10)} — stale: 60 s old (limit 30 s)`,
        '  policies:',
        '    target-tracking on backlog: no opinion (no fresh value of backlog)',
        '  result: held at 40: missing or stale data never causes a scale-in (backlog stale: 60 s old (limit 30 s))',
      ].join('\n'),
    );
  });

  it('the real `flotte explain` binary prints the same, and --json the API body', async () => {
    const url = await api.app.listen({ host: '127.0.0.1', port: 0 });
    const token = api.headers.authorization?.replace(/^Bearer /, '');
    const env: Record<string, string> = token ? { FLOTTE_TOKEN: token } : {};
    // Each run of the binary compiles the CLI through tsx: seconds apiece on a busy machine.
    const text = await runCli(['explain', 'analysis'], { server: url, env });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(`${formatExplain(page)}\n`);
    const json = await runCli(['explain', 'analysis', '--json', '--limit', '1'], { server: url, env });
    expect(JSON.parse(json.stdout).items).toEqual(page.items.slice(0, 1));
    const missing = await runCli(['explain', 'nope'], { server: url, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/pool "nope" does not exist/);
  }, 120_000);
});
