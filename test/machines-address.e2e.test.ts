import type { ChildProcess } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import type { MachineView } from '../src/api/contract/index.js';
import { flotteYaml } from './support/builders.js';
import { fleetDir, flotteUp } from './support/flotte-up.js';
import { killAgents, localBase } from './support/local.js';
import { freePort, runCli, serveEc2, waitFor, type UpProcess } from './support/process.js';

// `flotte machines` has an ADDRESS for every machine, on each provider; `--json` carries the list.

let cloud: ChildProcess | undefined;
let localDirOf: string | undefined;
afterEach(async () => {
  if (cloud && cloud.exitCode === null && cloud.signalCode === null) {
    const gone = new Promise((r) => cloud!.once('exit', r));
    cloud.kill('SIGTERM');
    await gone;
  }
  if (localDirOf) await killAgents(localDirOf);
  cloud = localDirOf = undefined;
});

/** Waits until the pool has `n` ready machines, then returns `flotte machines` as printed and as JSON. */
async function machinesOnceReady(up: UpProcess, dir: string, pool: string, n: number, env: Record<string, string> = {}): Promise<{ rows: string[][]; json: MachineView[] }> {
  const cli = (args: string[]) => runCli(args, { cwd: dir, server: up.url, env });
  const json = await waitFor(`${n} ready machines in ${pool}, each with an address`, async () => {
    const r = await cli(['machines', pool, '--json']);
    const ms = r.code === 0 ? (JSON.parse(r.stdout) as MachineView[]) : [];
    return ms.length === n && ms.every((m) => m.state === 'ready' && m.address !== null) && ms;
  }, 90_000);
  const table = await cli(['machines', pool]);
  expect(table.code, table.stderr).toBe(0);
  const [head, ...rows] = table.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/));
  expect(head!.slice(0, 3)).toEqual(['ID', 'STATE', 'ADDRESS']);
  expect(rows.map((r) => [r[0], r[2]]).sort()).toEqual(json.map((m) => [m.id, m.address]).sort());
  return { rows, json };
}


describe('flotte machines shows where each machine is', () => {
  it('sim: the synthetic private IPv4', async () => {
    const dir = fleetDir(flotteYaml({ cluster: 'addr-sim', sim: { seed: 3, bootSeconds: { min: 1, max: 2 }, deathRatePerHour: 0 }, pools: { analysis: { max: 10, desired: 3 } } }));
    const up = await flotteUp(dir);
    const { json } = await machinesOnceReady(up, dir, 'analysis', 3);
    for (const m of json) {
      expect(m.address).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(m.addresses).toEqual([{ kind: 'private', value: m.address }]);
    }
  }, 120_000);

  it("aws (over the sim's EC2 endpoint): the private IPv4 first, then the private DNS name", async () => {
    const port = await freePort();
    cloud = await serveEc2(port, { bootSeconds: { min: 1, max: 2 } });
    const dir = fleetDir(`
cluster: addr-aws
providers:
  ec2: { type: aws, region: eu-west-1, endpoint: "http://127.0.0.1:${port}", subnets: { eu-west-1a: subnet-eu-west-1a } }
templates:
  web: { provider: ec2, image: ami-0123456789abcdef0, size: m5.large, zones: [eu-west-1a] }
pools:
  web: { template: web, min: 0, max: 5, desired: 2 }
`);
    const env = { AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x', AWS_EC2_METADATA_DISABLED: 'true' };
    const up = await flotteUp(dir, ['--log-level', 'warn'], env);
    const { json } = await machinesOnceReady(up, dir, 'web', 2, env);
    for (const m of json) {
      expect(m.id).toMatch(/^i-[0-9a-f]{17}$/);
      expect(m.address).toMatch(/^10\.\d+\.\d+\.\d+$/);
      expect(m.addresses).toEqual([
        { kind: 'private', value: m.address },
        { kind: 'dns', value: `ip-${m.address!.replace(/\./g, '-')}.ec2.internal` },
      ]);
    }
  }, 120_000);

  it("local: the agent's endpoint on this host, which appears once the agent listens", async () => {
    const dir = (localDirOf = fleetDir(`${localBase('addr-local')}pools:\n  workers: { template: agent, min: 0, max: 5, desired: 2 }\n`, 'flotte-local-'));
    const up = await flotteUp(dir, ['--log-level', 'info']);
    const { json } = await machinesOnceReady(up, dir, 'workers', 2);
    for (const m of json) expect(m.addresses).toEqual([{ kind: 'local', value: expect.stringMatching(/^127\.0\.0\.1:\d+$/) }]);
    // Each agent answers there.
    for (const m of json) expect((await fetch(`http://${m.address}/healthz`)).status).toBe(200);
  }, 120_000);
});
