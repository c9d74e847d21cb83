import { randomUUID } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { realClock } from '../src/clock/clock.js';
import { primaryAddress } from '../src/domain/addresses.js';
import { TAG } from '../src/domain/types.js';
import type { ConnectedOpenStack } from '../src/providers/openstack/index.js';
import { providerConformance } from './support/provider-conformance.js';
import { ProviderError } from '../src/providers/provider.js';
import { TEST_TEMPLATE } from './support/launch-request.js';
import { OpenStackAdmin, demoProvider, openrc, openstackService } from './support/openstack.js';
import { getJson, runCli, startUp, tempDir, type UpProcess } from './support/process.js';
import { realHarness, type RealHarness } from './support/real-harness.js';
import { serviceSuite } from './support/services.js';
import type { MachineView, PoolDetail as PoolBody } from '../src/api/contract/index.js';

// A pool's whole life on a real OpenStack (../shared/openstack-dev/start.sh): Keystone, Nova
// with its fake driver, Neutron, Glance. Steps run in order and share the pool. The provider
// conformance suite and the `flotte restart` acceptance run after it in this same file: all
// use the demo project, and the quota step below would count (and starve) servers the others
// made if they ran side by side in another worker.
const STEP_MS = 420_000;

await serviceSuite(openstackService(), 'openstack provider: a pool’s whole life on a real OpenStack', () => {
  const cluster = `ostest-${randomUUID().slice(0, 8)}`;
  const POOL = 'ci';
  let admin: OpenStackAdmin;
  let os: ConnectedOpenStack;
  let h: RealHarness;
  let demoProject: string;

  /** Servers Nova holds for this run's cluster, DELETED ones aside. */
  const novaLive = async () => (await admin.serversOf(cluster)).filter((s) => s.status !== 'DELETED');
  const machines = async () => h.store.listMachines({ pool: POOL });
  const converged = async (n: number) => {
    const ms = await machines();
    if (ms.length !== n || !ms.every((m) => m.state === 'ready')) return false;
    const nova = await novaLive();
    return nova.length === n && nova.every((s) => s.status === 'ACTIVE');
  };
  const scale = async (n: number) => {
    await h.store.setDesired(POOL, n);
    await h.tickUntil(`${n} servers ACTIVE and ready`, () => converged(n), { timeoutMs: STEP_MS - 20_000 });
  };
  const events = async (reason: string) => (await h.store.listEvents({ pool: POOL })).filter((e) => e.reason === reason);

  beforeAll(async () => {
    admin = new OpenStackAdmin();
    demoProject = await admin.projectId('demo');
    await admin.setInstanceQuota(demoProject, -1);
    os = demoProvider({ network: 'private', maxInFlight: 20 });
    h = await realHarness({
      provider: os.provider,
      providerName: 'private-cloud',
      providerConfig: { type: 'openstack', network: 'private' },
      cluster,
      template: { name: 'tiny', image: 'cirros', sizes: ['m1.tiny'], zones: ['nova'], tags: { team: 'ci' } },
      // Scale-ins here test Nova's deletes, not the blast-radius guard (its own tests): without
      // it, 20 → 5 and 6 → 0 would wait out the guard's minutes.
      pool: { name: POOL, max: 40, blastRadius: 1 },
    });
  }, STEP_MS);

  afterAll(async () => {
    await admin?.setInstanceQuota(demoProject, -1).catch(() => undefined);
    await admin?.purge(cluster).catch(() => undefined);
    await h?.close();
  }, STEP_MS);

  it('scales 0 → 20: twenty servers ACTIVE in Nova, ready in flotte, carrying the ownership metadata', async () => {
    const started = realClock.now();
    await scale(20);
    const line = `[openstack] 0 → 20 converged through flotte in ${((realClock.now() - started) / 1000).toFixed(1)} s`;
    console.info(line);
    appendFileSync('/tmp/flotte-openstack-timings.txt', `${new Date().toISOString()} ${line}\n`);
    const listed = await os.provider.list({ cluster, pools: [POOL] });
    expect(listed).toHaveLength(20);
    for (const m of listed) {
      expect(m.tags).toMatchObject({ [TAG.cluster]: cluster, [TAG.pool]: POOL, team: 'ci' });
      expect(m.tags[TAG.intent]).toMatch(/^li-/);
      expect(primaryAddress(m.addresses)).toMatch(/^10\.0\.0\./);
      expect(m.addresses[0]).toMatchObject({ kind: 'fixed', network: expect.any(String) });
      expect(m.size).toBe('m1.tiny');
    }
  }, STEP_MS);

  it('scales 20 → 5: Nova deletes fifteen', async () => {
    await scale(5);
    expect((await machines()).length).toBe(5);
  }, STEP_MS);

  it('reboots every server (soft, then hard), keeping their ids, and the pool stays converged', async () => {
    const ids = (await machines()).map((m) => m.id).sort();
    for (const hard of [false, true]) {
      const r = await h.provider.reboot(ids, { hard });
      expect(r.done.sort()).toEqual(ids);
      await h.tickUntil('rebooted servers ACTIVE', () => converged(5), { timeoutMs: 180_000 });
    }
    expect((await machines()).map((m) => m.id).sort()).toEqual(ids);
    for (const id of ids) expect((await admin.actions(id)).filter((a) => a === 'reboot')).toHaveLength(2);
  }, STEP_MS);

  // The controller is paused here: it replaces machines stopped outside a bulk operation
  // (operations hold theirs), so this step checks the provider's stop/start/shelve on
  // Nova, and that the controller finds the same servers ready afterwards.
  it('stops and starts servers, and shelves and unshelves them; the controller then finds the same pool', async () => {
    const ids = (await machines()).map((m) => m.id).sort();
    const launchedBefore = (await events('Launched')).length;
    const nova = async () => new Map((await novaLive()).map((s) => [s.id, s.status]));
    const until = async (what: string, ok: (st: Map<string, string>) => boolean) => {
      for (const deadline = realClock.now() + 120_000; !ok(await nova()); await realClock.sleep(1_000)) {
        if (realClock.now() > deadline) throw new Error(`not within 120 s: ${what}`);
      }
    };
    expect((await h.provider.stop(ids)).done.sort()).toEqual(ids);
    await until('all SHUTOFF', (st) => ids.every((id) => st.get(id) === 'SHUTOFF'));
    expect((await os.provider.list({ cluster, pools: [POOL] })).every((m) => m.status === 'stopped')).toBe(true);
    const [toStart, toShelve] = [ids.slice(0, 3), ids.slice(3)];
    expect((await h.provider.start(toStart)).done.sort()).toEqual(toStart);
    expect((await os.provider.shelve(toShelve)).done.sort()).toEqual(toShelve);
    await until('started and shelved', (st) => toStart.every((id) => st.get(id) === 'ACTIVE') && toShelve.every((id) => st.get(id) === 'SHELVED_OFFLOADED'));
    // Starting a shelved server unshelves it: one verb wakes whatever rests.
    expect((await os.provider.start(toShelve)).done.sort()).toEqual(toShelve);
    await until('unshelved', (st) => ids.every((id) => st.get(id) === 'ACTIVE'));
    await h.tickUntil('all running again', () => converged(5));
    expect((await machines()).map((m) => m.id).sort()).toEqual(ids);
    expect(await events('Launched')).toHaveLength(launchedBefore);
    for (const id of toShelve) expect(await admin.actions(id)).toEqual(expect.arrayContaining(['stop', 'shelve', 'unshelve']));
  }, STEP_MS);

  it('replaces a server deleted behind flotte’s back', async () => {
    const victim = (await machines())[0]!.id;
    await admin.deleteServer(victim);
    await h.tickUntil('victim replaced', async () => (await converged(5)) && !(await novaLive()).some((s) => s.id === victim));
    expect((await events('Died')).some((e) => e.machine === victim)).toBe(true);
    expect((await machines()).some((m) => m.id === victim)).toBe(false);
  }, STEP_MS);

  it('reports a quota set low as a quota error, and recovers once it is lifted', async () => {
    await admin.setInstanceQuota(demoProject, 5);
    const tpl = (await h.store.getTemplate('tiny'))!;
    const token = `li-${randomUUID()}`;
    const e = await os.provider.launch({ token, template: tpl, size: 'm1.tiny', zone: 'nova', count: 2, tags: { [TAG.cluster]: cluster, [TAG.pool]: POOL, [TAG.intent]: token } }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ProviderError);
    expect(e).toMatchObject({ kind: 'quota', retryable: false });
    expect((e as Error).message).toMatch(/quota exceeded for instances/i);
    // Through the controller: the launch fails as quota and is recorded so.
    await h.store.setDesired(POOL, 7);
    await h.tickUntil('a LaunchFailed quota event', async () => (await events('LaunchFailed')).some((ev) => ev.data?.kind === 'quota'), { timeoutMs: 180_000 });
    expect((await novaLive()).length).toBe(5);
    await admin.setInstanceQuota(demoProject, -1);
    await scale(5);
  }, STEP_MS);

  it('renews a token revoked mid-run and carries on', async () => {
    const revoked = os.session.peekToken()!;
    const issued = os.session.issued;
    await admin.revokeToken(revoked);
    // Nova's keystonemiddleware caches a validated token per worker (token_cache_time, 300 s by
    // default): the revocation bites when a worker validates it again, at the latest then.
    await h.tickUntil('a 401 and a new token', () => os.session.issued > issued, { timeoutMs: 380_000, intervalMs: 2_000 });
    expect(os.session.issued).toBe(issued + 1);
    await scale(6);
    expect(os.session.peekToken()).not.toBe(revoked);
  }, STEP_MS);

  it('scales to 0 and leaks no server', async () => {
    await h.store.setDesired(POOL, 0);
    await h.tickUntil('pool empty', async () => (await machines()).length === 0 && (await novaLive()).length === 0, { timeoutMs: STEP_MS - 20_000 });
    expect(await novaLive()).toEqual([]);
  }, STEP_MS);
});

// The shared provider contract against the same OpenStack. A page size of 2 makes the listing
// test walk several servers/detail pages (limit/marker); the network gives servers addresses.
await serviceSuite(openstackService(), 'openstack conformance', () => {
  providerConformance(
    'openstack on a real Nova',
    async () => {
      const os = demoProvider({ pageSize: 2, network: 'private' });
      return {
        provider: os.provider,
        advance: (ms) => realClock.sleep(Math.min(ms, 2_000)),
        // The suite names its clusters conf-<random>; anything of one left behind goes.
        cleanup: () => new OpenStackAdmin().purge('conf-', { prefix: true }),
        fixture: { template: { ...TEST_TEMPLATE, name: 'conformance', provider: 'openstack', image: 'cirros', sizes: ['m1.tiny'], zones: ['nova'] }, zone: 'nova', size: 'm1.tiny' },
        unknownIds: (n) => Array.from({ length: n }, () => randomUUID()),
        settleMs: 180_000,
      };
    },
    { stopStart: true },
  );
});

/** `flotte machines` has an ADDRESS for each of the pool's `n` servers: the fixed address Nova gives it on its network. */
async function showsNovaAddresses(admin: OpenStackAdmin, cli: (args: string[]) => Promise<{ code: number; stdout: string; stderr: string }>, n: number): Promise<void> {
  const listed = await cli(['machines', 'builders', '--json']);
  expect(listed.code, listed.stderr).toBe(0);
  const machines = JSON.parse(listed.stdout) as MachineView[];
  expect(machines).toHaveLength(n);
  for (const m of machines) {
    const { body } = await admin.call('GET', 'compute', `servers/${m.id}`);
    const nova = (body as { server: { addresses: Record<string, { addr: string; version: number }[]> } }).server.addresses;
    const fixed = nova.private!.find((a) => a.version === 4)!.addr;
    expect(m.address).toBe(fixed);
    expect(m.addresses[0]).toEqual({ kind: 'fixed', value: fixed, network: 'private' });
  }
  const table = await cli(['machines', 'builders']);
  const rows = table.stdout.trim().split('\n').slice(1).map((l) => l.trim().split(/\s+/));
  expect(rows.map((r) => [r[0], r[2]]).sort()).toEqual(machines.map((m) => [m.id, m.address]).sort());
}

// The acceptance path, with real processes: `flotte up` on the real OpenStack, a pool of 20,
// one `flotte restart`, and Nova's own servers and action log as the witness.
const RESTART_MS = 600_000;

await serviceSuite(openstackService(), 'openstack: a pool of 20 rebooted by one flotte restart', () => {
  const cluster = `osup-${randomUUID().slice(0, 8)}`;
  // Made when the suite runs: a skipped suite's body still runs, and on a machine without
  // OpenStack there is no cloud to connect to.
  let admin: OpenStackAdmin | undefined;
  beforeAll(() => {
    admin = new OpenStackAdmin();
  });
  const env = Object.fromEntries(Object.entries(openrc('openrc.demo')).filter((e): e is [string, string] => e[1] !== undefined));
  let up: UpProcess | undefined;
  const dir = tempDir();
  const cli = (args: string[]) => runCli(args, { cwd: dir, server: up!.url, env });

  afterAll(async () => {
    await up?.stop();
    await admin?.purge(cluster).catch(() => undefined);
  }, RESTART_MS);

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
    const nova = await admin!.serversOf(cluster);
    expect(nova.map((s) => s.id).sort()).toEqual(ids);
    expect(nova.every((s) => s.status === 'ACTIVE')).toBe(true);
    await showsNovaAddresses(admin!, cli, 20);

    const restart = await cli(['restart', 'builders', '--wait']);
    expect(restart.code, restart.stderr + restart.stdout).toBe(0);
    for (const id of ids) expect((await admin!.actions(id)).filter((a) => a === 'reboot')).toHaveLength(1);
    const after = await getJson<PoolBody>(`${up.url}/api/v1/pools/builders`);
    expect(after.machines.map((m) => m.id).sort()).toEqual(ids);
    expect(after.ready).toBe(20);
    expect((await admin!.serversOf(cluster)).every((s) => s.status === 'ACTIVE')).toBe(true);

    const shrink = await cli(['scale', 'builders', '0', '--wait', '--timeout', '300', '--allow-destroy']);
    expect(shrink.code, shrink.stderr + shrink.stdout).toBe(0);
    for (let i = 0; i < 60 && (await admin!.serversOf(cluster)).some((s) => s.status !== 'DELETED'); i++) await new Promise((r) => setTimeout(r, 2_000));
    expect((await admin!.serversOf(cluster)).filter((s) => s.status !== 'DELETED')).toEqual([]);
  }, RESTART_MS);
});
