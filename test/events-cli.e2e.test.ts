import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetEvent } from '../src/domain/types.js';
import { cliServer, type CliServer } from './support/cli-server.js';
import { BIN, runCli, tempDir, waitFor } from './support/process.js';

// `flotte events --reason`: the real binary against a real API. The README's healing example
// must find a death older than the last 100 events, which a `| grep` over the default list cannot.

const FLEET = `cluster: events-cli
providers:
  sim: { type: sim, zones: [sim-a] }
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
  analysis: { template: small, min: 0, max: 400, desired: 0 }
`;

const T0 = Date.parse('2026-12-07T08:00:00Z');

let api: CliServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('flotte events --reason', () => {
  it('finds deaths and replacements behind 300 newer events, repeated or comma-separated, and refuses an unknown reason', async () => {
    api = await cliServer(FLEET);
    const story: Omit<FleetEvent, 'id'>[] = [
      { at: T0, pool: 'analysis', machine: 'm-1', reason: 'Died', message: 'no heartbeat for 30s' },
      { at: T0 + 1_000, pool: 'analysis', machine: 'm-2', reason: 'Replaced', message: 'm-2 replaces m-1' },
      ...Array.from({ length: 300 }, (_, i) => ({ at: T0 + 2_000 + i * 1_000, pool: 'analysis', machine: `m-${i + 3}`, reason: 'Ready' as const, message: 'agent joined' })),
    ];
    await api.store.appendEvents(story);
    const run = (...args: string[]) => runCli(['events', ...args], { server: api!.server, env: api!.env, cwd: tempDir() });

    const all = await run('analysis');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).not.toMatch(/Died|Replaced/);

    const repeated = await run('analysis', '--reason', 'Died', '--reason', 'Replaced');
    expect(repeated.code, repeated.stderr).toBe(0);
    const lines = repeated.stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^2026-12-07T08:00:00\.000Z\s+analysis\s+Died\s+no heartbeat for 30s$/);
    expect(lines[1]).toMatch(/\bReplaced\s+m-2 replaces m-1$/);

    const comma = await run('--reason', 'Died,Replaced', '--json');
    expect(comma.code, comma.stderr).toBe(0);
    expect((JSON.parse(comma.stdout) as { reason: string }[]).map((e) => e.reason)).toEqual(['Died', 'Replaced']);

    const typo = await run('analysis', '--reason', 'Dead');
    expect(typo.code, "2 is bad input").toBe(2);
    expect(typo.stderr).toMatch(/unknown event reason "Dead" \(valid: .*\bDied\b/);

    // --limit: the last n; 0 is none of the past (with --follow, only new events); below 0 or not a number is refused, nothing sent.
    expect((JSON.parse((await run('analysis', '--limit', '2', '--json')).stdout) as { machine: string }[]).map((e) => e.machine)).toEqual(['m-301', 'm-302']);
    expect(JSON.parse((await run('analysis', '--limit', '0', '--json')).stdout)).toEqual([]);
    for (const bad of ['-1', 'ten']) {
      const refused = await run('analysis', '--limit', bad);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`--limit takes a whole number, got "${bad}"`);
    }
  }, 120_000);

  it('--follow --reason prints only the asked reasons as they happen', async () => {
    api = await cliServer(FLEET);
    const store = api.store;
    const follow = spawn(process.execPath, [BIN, '--server', api.server, 'events', 'analysis', '--reason', 'Died', '--follow', '--json', '--limit', '0'], { cwd: tempDir(), env: { ...process.env, ...api.env } });
    let out = '';
    follow.stdout.on('data', (d) => (out += d));
    try {
      // Events keep coming until the follower shows a death: whenever its stream opened, it shows those after.
      let n = 0;
      await waitFor('a Died event on the follow stream', async () => {
        n++;
        await store.appendEvents([
          { at: Date.now(), pool: 'analysis', machine: `m-${n}`, reason: 'Ready', message: `ready ${n}` },
          { at: Date.now(), pool: 'analysis', machine: `m-${n}`, reason: 'Died', message: `died ${n}` },
        ]);
        await new Promise((r) => setTimeout(r, 200));
        return out.includes('"Died"');
      }, 30_000);
    } finally {
      follow.kill('SIGINT');
    }
    const shown = out.trim().split('\n').map((l) => JSON.parse(l) as { reason: string; message: string });
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((e) => e.reason === 'Died' && e.message.startsWith('died '))).toBe(true);
  }, 60_000);

  it('--limit n reads the last n events, not the whole history: 2,500 stored, the server reads 3 for `--limit 3`', async () => {
    api = await cliServer(FLEET);
    await api.store.appendEvents(Array.from({ length: 2_500 }, (_, i) => ({ at: T0 + i * 1_000, pool: 'analysis', machine: `m-${i + 1}`, reason: 'Ready' as const, message: 'agent joined' })));
    const listEvents = api.store.listEvents.bind(api.store);
    let read = 0;
    api.store.listEvents = async (q) => {
      const rows = await listEvents(q);
      read += rows.length;
      return rows;
    };
    const run = (...args: string[]) => runCli(['events', 'analysis', '--json', ...args], { server: api!.server, env: api!.env, cwd: tempDir() });
    const machines = (out: string) => (JSON.parse(out) as { machine: string }[]).map((e) => e.machine);

    expect(machines((await run('--limit', '3')).stdout)).toEqual(['m-2498', 'm-2499', 'm-2500']);
    expect(read).toBe(3);
    // Past one page (the API's 1,000), the CLI pages through: still the last n, in order.
    read = 0;
    const many = machines((await run('--limit', '1500')).stdout);
    expect(many).toHaveLength(1_500);
    expect([many[0], many.at(-1)]).toEqual(['m-1001', 'm-2500']);
    // --after with a limit: the last n after the cursor.
    expect(machines((await run('--after', '10', '--limit', '2')).stdout)).toEqual(['m-2499', 'm-2500']);
  }, 60_000);

  it('--help shows the option', async () => {
    const help = await runCli(['events', '--help'], { cwd: tempDir() });
    expect(help.stdout).toMatch(/--reason <reasons>\s+only events with this reason/);
  }, 60_000);
});
