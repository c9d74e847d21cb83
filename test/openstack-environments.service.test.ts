import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EnvironmentDetail } from '../src/api/contract/index.js';
import { OpenStackAdmin, openstackService } from './support/openstack.js';
import { GuestStandIns } from './support/openstack-guests.js';
import { freePort, getJson, runCli, startUp, tempDir, waitFor, type UpProcess } from './support/process.js';
import { serviceSuite } from './support/services.js';

// Developer environments on a real OpenStack (../shared/openstack-dev/start.sh): `flotte up`
// makes a 3-role environment on Nova; its fake driver boots no guest, so GuestStandIns runs, on
// this host, the agent each server's user-data would start, and that agent runs the role's
// readiness check. Steps run in order and share the environments.
const STEP_MS = 300_000;
type Server = { id: string; status: string; metadata?: Record<string, string>; addresses?: Record<string, { addr: string }[]> };

await serviceSuite(openstackService(), 'openstack environments: three roles on Nova, ready by their checks, stopped, shelved, woken, expired', () => {
  const cluster = `osenv-${randomUUID().slice(0, 8)}`;
  const keyName = `${cluster}-key`;
  // A project of its own: the provider suite sets the demo project's quota low at one step, and these servers would count against it.
  let project: Awaited<ReturnType<OpenStackAdmin['ownProject']>> | undefined;
  let env: Record<string, string> = {};
  const dir = tempDir();
  let admin: OpenStackAdmin;
  let guests: GuestStandIns;
  let up: UpProcess | undefined;
  let db: TcpServer | undefined;
  let app: HttpServer;
  let dbPort: number;
  const made: Record<'shelved' | 'stopped', string> = { shelved: '', stopped: '' };
  const serversOf: Record<string, string[]> = {};

  const cli = (args: string[]) => runCli(args, { cwd: dir, server: up!.url, env });
  const detail = (id: string) => getJson<EnvironmentDetail>(`${up!.url}/api/v1/environments/${id}`);
  const nova = async (): Promise<Server[]> => {
    const { body } = await admin.call('GET', 'compute', 'servers/detail?all_tenants=1&limit=1000');
    return (body as { servers: Server[] }).servers.filter((s) => s.metadata?.['flotte:cluster'] === cluster && s.status !== 'DELETED');
  };
  const statusIs = (id: string, status: string, timeoutMs = STEP_MS - 30_000) => waitFor(`${id} ${status}`, async () => (await detail(id)).status === status, timeoutMs);
  const create = async (name: string, template: string, extra: string[] = []) => {
    const r = await cli(['env', 'create', name, '--template', template, '--no-wait', '--json', ...extra]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    return (JSON.parse(r.stdout) as { id: string }).id;
  };
  const poolServers = async (envId: string) => {
    const byRole: Record<string, Server[]> = {};
    for (const s of await nova()) {
      const m = new RegExp(`^env-${envId}-(\\w+)$`).exec(s.metadata?.['flotte:pool'] ?? '');
      if (m) (byRole[m[1]!] ??= []).push(s);
    }
    return byRole;
  };

  beforeAll(async () => {
    admin = new OpenStackAdmin();
    project = await admin.ownProject(cluster);
    env = project.env;
    await admin.call('POST', 'compute', 'os-keypairs', { keypair: { name: keyName, user_id: project.userId } });
    dbPort = await freePort();
    app = createHttpServer((req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end('ok'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const appPort = (app.address() as { port: number }).port;
    const roles = `
        db:
          template: tiny
          userData: |
            #cloud-config
            packages: [postgresql-15]
            write_files:
              - path: /etc/stack/version
                content: "{{params.version}} {{env.id}} {{role}}"
          ready: { tcp: "127.0.0.1:${dbPort}", interval: 1s }
        queue:
          template: tiny
          userData: |
            #!/bin/sh
            echo "queue of {{env.name}}" > /etc/stack-queue
          ready: { command: "true", interval: 1s }
        app:
          template: tiny
          userData: |
            #cloud-config
            runcmd: [[sh, -c, "echo runtime {{params.version}}"]]
          ready: { http: "http://127.0.0.1:${appPort}/health", interval: 1s }`;
    const template = (stopMode: string) => `
      stopMode: ${stopMode}
      ttl: 2h
      idle: { after: 20s, maxCpu: 1 }
      params:
        version: { default: "21.3" }
      roles:${roles}
      outputs:
        database: "postgres://{{roles.db.address}}:5432/app"
        app: "{{roles.app.addresses}}"
        runtime: "{{params.version}}"`;
    writeFileSync(
      join(dir, 'flotte.yaml'),
      `cluster: ${cluster}
providers:
  private: { type: openstack, network: private, keyName: ${keyName} }
templates:
  tiny: { provider: private, image: cirros, size: m1.tiny }
pools: {}
environments:
  # No sizes: quotas count the flavors as Nova describes them (m1.tiny: 1 vCPU, 512 MiB).
  quotas:
    user: { vcpus: 6, memoryGb: 8 }
  templates:
    shelving:${template('shelve')}
    stopping:${template('stop')}
`,
    );
    guests = new GuestStandIns(admin, cluster);
    await guests.start();
    up = await startUp(dir, [], env);
  }, STEP_MS);

  afterAll(async () => {
    await up?.stop();
    await guests?.stop();
    db?.close();
    app?.close();
    await admin?.purge(cluster).catch(() => undefined);
    if (project) await admin.call('DELETE', 'compute', `os-keypairs/${keyName}?user_id=${project.userId}`).catch(() => undefined);
    await project?.remove();
  }, STEP_MS);

  it('creates 3 roles on Nova with their user-data, key pair and metadata, and is ready only once every role’s check passes', async () => {
    made.shelved = await create('dev-shelved', 'shelving');
    made.stopped = await create('dev-stopped', 'stopping');
    // Every server ACTIVE and its agent joined, the machines ready: the db check still fails (nothing listens).
    for (const id of Object.values(made)) {
      await waitFor(`${id}: every machine ready`, async () => (await detail(id)).roleStatus.every((r) => r.ready === r.count), STEP_MS - 60_000);
    }
    const waiting = await detail(made.shelved);
    expect(waiting.status).toBe('creating');
    for (const id of Object.values(made)) {
      const byRole = await poolServers(id);
      expect(Object.keys(byRole).sort()).toEqual(['app', 'db', 'queue']);
      for (const [role, servers] of Object.entries(byRole)) {
        for (const s of servers) {
          const { body } = await admin.call('GET', 'compute', `servers/${s.id}`);
          const full = (body as { server: { key_name: string; flavor: { original_name: string }; metadata: Record<string, string> } }).server;
          expect(full.key_name).toBe(keyName);
          expect(full.flavor.original_name).toBe('m1.tiny');
          expect(full.metadata['flotte:pool']).toBe(`env-${id}-${role}`);
          const userData = guests.userData.get(s.id)!;
          expect(userData).toContain('FLOTTE_JOIN_TOKEN=');
          if (role === 'db') expect(userData).toContain(`21.3 ${id} db`);
          if (role === 'queue') expect(userData).toMatch(/echo "queue of dev-(shelved|stopped)"/);
        }
      }
      serversOf[id] = Object.values(byRole).flat().map((s) => s.id).sort();
    }
    // Still creating a few heartbeats later, and saying why.
    await new Promise((r) => setTimeout(r, 12_000));
    const still = await detail(made.shelved);
    expect(still.status).toBe('creating');
    db = createTcpServer((s) => s.end());
    await new Promise<void>((r) => db!.listen(dbPort, '127.0.0.1', r));
    const opened = Date.now();
    for (const id of Object.values(made)) await statusIs(id, 'ready', 60_000);
    // Agents heartbeat every 5 s and the reconciler looks every few seconds.
    expect(Date.now() - opened).toBeLessThan(30_000);
  }, STEP_MS);

  it('fills outputs with Nova’s addresses', async () => {
    const e = await detail(made.shelved);
    const byRole = await poolServers(made.shelved);
    const addr = (s: Server) => s.addresses!.private![0]!.addr;
    expect(e.outputs.database).toBe(`postgres://${addr(byRole.db![0]!)}:5432/app`);
    expect(e.outputs.app).toBe(addr(byRole.app![0]!));
    expect(e.outputs.runtime).toBe('21.3');
    expect(addr(byRole.db![0]!)).toMatch(/^10\.0\.0\.\d+$/);
  }, STEP_MS);

  it('refuses a third environment over the vCPU quota, naming the cap and the usage', async () => {
    const r = await cli(['env', 'create', 'one-too-many', '--template', 'stopping', '--no-wait']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/over quota: user \S+ may use 6 vcpus, uses 6 and this environment needs 3/);
    expect((await nova()).length).toBe(6);
  }, STEP_MS);

  it('stops idle environments: one by os-stop, one by shelve (Nova’s action log), then wakes the same servers', async () => {
    for (const id of Object.values(made)) await statusIs(id, 'stopped');
    await waitFor('servers at rest', async () => {
      const st = new Map((await nova()).map((s) => [s.id, s.status]));
      return serversOf[made.shelved]!.every((id) => st.get(id) === 'SHELVED_OFFLOADED') && serversOf[made.stopped]!.every((id) => st.get(id) === 'SHUTOFF');
    }, 180_000);
    for (const id of serversOf[made.shelved]!) expect(await admin.actions(id)).toContain('shelve');
    for (const id of serversOf[made.stopped]!) {
      const actions = await admin.actions(id);
      expect(actions).toContain('stop');
      expect(actions).not.toContain('shelve');
    }
    const addressesBefore = new Map((await nova()).map((s) => [s.id, JSON.stringify(s.addresses)]));

    for (const id of Object.values(made)) {
      const r = await cli(['env', 'start', id]);
      expect(r.code, r.stderr + r.stdout).toBe(0);
    }
    for (const id of Object.values(made)) await statusIs(id, 'ready');
    for (const id of serversOf[made.shelved]!) expect(await admin.actions(id)).toContain('unshelve');
    for (const id of serversOf[made.stopped]!) expect(await admin.actions(id)).toContain('start');
    const after = await nova();
    for (const id of Object.values(made)) {
      expect(after.filter((s) => serversOf[id]!.includes(s.id)).map((s) => s.id).sort()).toEqual(serversOf[id]);
      // Each guest booted twice: its agent ran again and its check passed again.
      for (const s of serversOf[id]!) expect(guests.starts.get(s)).toBeGreaterThanOrEqual(2);
    }
    expect(after).toHaveLength(6);
    for (const s of after) expect(JSON.stringify(s.addresses)).toBe(addressesBefore.get(s.id));
  }, STEP_MS);

  it('destroys an environment at the end of its TTL and leaves no server in Nova', async () => {
    const r = await cli(['env', 'destroy', made.stopped, '--yes']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    await statusIs(made.stopped, 'destroyed');
    const short = await create('short-lived', 'stopping', ['--ttl', '90s']);
    await statusIs(short, 'destroyed', 240_000);
    expect((await detail(short)).reason).toMatch(/expired/);
    const d = await cli(['env', 'destroy', made.shelved, '--yes']);
    expect(d.code, d.stderr + d.stdout).toBe(0);
    await statusIs(made.shelved, 'destroyed');
    await waitFor('no server of the cluster in Nova', async () => (await nova()).length === 0, 120_000);
  }, STEP_MS);
});
