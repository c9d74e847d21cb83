import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { OpenStackAdmin, openrc, openstackService } from './support/openstack.js';
import { getJson, runCli, startUp, tempDir, type UpProcess } from './support/process.js';
import { serviceSuite } from './support/services.js';

// The acceptance path, with real processes: `flotte up` on the real OpenStack, a pool of 20,
// one `flotte restart`, and Nova's own servers and action log as the witness.
interface PoolBody {
  desired: number;
  ready: number;
  machines: { id: string; state: string }[];
}
const T = 600_000;

await serviceSuite(openstackService(), 'openstack: a pool of 20 rebooted by one flotte restart', () => {
  const cluster = `osup-${randomUUID().slice(0, 8)}`;
  const admin = new OpenStackAdmin();
  const env = Object.fromEntries(Object.entries(openrc('openrc.demo')).filter((e): e is [string, string] => e[1] !== undefined));
  let up: UpProcess | undefined;
  const dir = tempDir();
  const cli = (args: string[]) => runCli(args, { cwd: dir, server: up!.url, env });

  afterAll(async () => {
    await up?.stop();
    await admin.purge(cluster).catch(() => undefined);
  }, T);

  it('converges, reboots every server once, stays converged, and leaks nothing', async () => {
    writeFileSync(
      join(dir, 'flotte.yaml'),
      `cluster: ${cluster}\nproviders:\n  private:\n    type: openstack\n    network: private\ntemplates:\n  tiny:\n    provider: private\n    image: cirros\n    size: m1.tiny\npools:\n  builders:\n    template: tiny\n    min: 0\n    max: 40\n    desired: 0\n`,
    );
    up = await startUp(dir, [], env);
    const grow = await cli(['scale', 'builders', '20', '--wait', '--timeout', '400']);
    expect(grow.code, grow.stderr + grow.stdout).toBe(0);
    const before = await getJson<PoolBody>(`${up.url}/api/v1/pools/builders`);
    expect(before.ready).toBe(20);
    const ids = before.machines.map((m) => m.id).sort();
    const nova = await admin.serversOf(cluster);
    expect(nova.map((s) => s.id).sort()).toEqual(ids);
    expect(nova.every((s) => s.status === 'ACTIVE')).toBe(true);

    const restart = await cli(['restart', 'builders', '--wait']);
    expect(restart.code, restart.stderr + restart.stdout).toBe(0);
    for (const id of ids) expect((await admin.actions(id)).filter((a) => a === 'reboot')).toHaveLength(1);
    const after = await getJson<PoolBody>(`${up.url}/api/v1/pools/builders`);
    expect(after.machines.map((m) => m.id).sort()).toEqual(ids);
    expect(after.ready).toBe(20);
    expect((await admin.serversOf(cluster)).every((s) => s.status === 'ACTIVE')).toBe(true);

    const shrink = await cli(['scale', 'builders', '0', '--wait', '--timeout', '300']);
    expect(shrink.code, shrink.stderr + shrink.stdout).toBe(0);
    for (let i = 0; i < 60 && (await admin.serversOf(cluster)).some((s) => s.status !== 'DELETED'); i++) await new Promise((r) => setTimeout(r, 2_000));
    expect((await admin.serversOf(cluster)).filter((s) => s.status !== 'DELETED')).toEqual([]);
  }, T);
});
