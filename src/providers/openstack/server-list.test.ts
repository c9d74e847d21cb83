import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { TAG } from '../../domain/types.js';
import { OpenStackApiError } from './api-error.js';
import type { NovaApi, NovaServer } from './nova.js';
import { OpenStackProvider } from './openstack-provider.js';
import { openStackOptions } from './options.js';
import { ServerLister } from './server-list.js';

interface Row {
  server: NovaServer;
  updatedAt: number;
  deleted: boolean;
}

/**
 * A stateful Nova with the list semantics that matter here: `changes-since` keeps servers whose
 * `updated_at` is at least the given time, deleted ones included (as DELETED), and a delete of
 * a server still building is a soft delete on the spot, which leaves `updated_at` as it was.
 */
function fakeNova(clock: VirtualClock) {
  const rows = new Map<string, Row>();
  let n = 0;
  /** How long an answer takes to arrive after Nova read its rows: a loaded control plane. */
  const lag = { ms: 0 };
  const nova: NovaApi = {
    microversion: async () => [2, 93],
    async listServers(query) {
      const since = query['changes-since'] === undefined ? undefined : Date.parse(query['changes-since']);
      const servers = [...rows.values()]
        .filter((r) => (since === undefined ? !r.deleted : r.updatedAt >= since))
        .map((r) => (r.deleted ? { ...r.server, status: 'DELETED' } : { ...r.server }));
      // The Date header says when Nova answered, which is after it read the rows.
      if (lag.ms > 0) await clock.sleep(lag.ms);
      return { servers, serverTime: clock.now() };
    },
    async createServer(server) {
      const id = `srv-${++n}`;
      rows.set(id, { server: { id, status: 'BUILD', created: new Date(clock.now()).toISOString(), metadata: server.metadata as Record<string, string> }, updatedAt: clock.now(), deleted: false });
      return { id };
    },
    async action() {},
    async deleteServer(id) {
      const row = rows.get(id);
      if (!row || row.deleted) throw new OpenStackApiError('nova', 404, `nova DELETE ${id}: Instance ${id} could not be found.`);
      if (row.server.status === 'BUILD') row.deleted = true;
      else Object.assign(row, { server: { ...row.server, 'OS-EXT-STS:task_state': 'deleting' }, updatedAt: clock.now() });
    },
    listFlavors: async () => [],
    getServer: async (id) => rows.get(id)!.server,
  };
  const add = (status: string) => nova.createServer({ metadata: { [TAG.cluster]: 'c1', [TAG.pool]: 'p' } }).then(({ id }) => Object.assign(rows.get(id)!.server, { status }) && id);
  /** An update by Nova itself (a reboot beginning, say): `updated_at` moves. */
  const set = (id: string, patch: Partial<NovaServer>) => Object.assign(rows.get(id)!, { server: { ...rows.get(id)!.server, ...patch }, updatedAt: clock.now() });
  return { nova, add, lag, set };
}

function provider() {
  const clock = new VirtualClock(Date.parse('2026-11-28T12:00:00Z'));
  const { nova, add, lag, set } = fakeNova(clock);
  const ports = { nova, glance: { findImages: async () => [] }, neutron: { findNetworks: async () => [] }, secrets: () => [] };
  return { os: new OpenStackProvider(ports, openStackOptions({ changesSince: true, fullListSeconds: 60 }), clock), clock, add, lag, set };
}

describe('ServerLister between full lists', () => {
  it('never lists a server flotte deleted while it was building as alive again (changes-since cannot see that delete)', async () => {
    const { os, clock, add } = provider();
    const building = await add('BUILD');
    const active = await add('ACTIVE');
    expect((await os.list({ cluster: 'c1' })).map((m) => m.status).sort()).toEqual(['pending', 'running']);
    await clock.advance(10_000);
    expect((await os.list({ cluster: 'c1' })).map((m) => m.status).sort()).toEqual(['pending', 'running']);
    await clock.advance(10_000);

    const deleted = await os.terminate([building, active]);
    expect(deleted.done.sort()).toEqual([active, building].sort());
    await clock.advance(2_000);
    const after = new Map((await os.list({ cluster: 'c1' })).map((m) => [m.id, m.status]));
    expect(after.get(building)).toBe('terminating');
    expect(after.get(active)).toBe('terminating');

    // A delete sent again finds nothing: the server is gone, from the lists too, until and after the next full list.
    expect((await os.terminate([building])).notFound).toEqual([building]);
    await clock.advance(2_000);
    expect((await os.list({ cluster: 'c1' })).map((m) => m.id)).toEqual([active]);
    await clock.advance(60_000);
    expect((await os.list({ cluster: 'c1' })).map((m) => m.id)).toEqual([active]);
  });

  it('does not let the answer to a list sent before the delete bring the server back; a full list sent after it has the last word', async () => {
    const { os, clock, add, lag } = provider();
    const building = await add('BUILD');
    await os.list({ cluster: 'c1' });
    await clock.advance(10_000);

    lag.ms = 3_000;
    const inFlight = os.list({ cluster: 'c1' }); // Nova has read it as building
    expect((await os.terminate([building])).done).toEqual([building]);
    await clock.advance(3_000);
    expect((await inFlight).map((m) => [m.id, m.status])).toEqual([[building, 'terminating']]);

    lag.ms = 0;
    await clock.advance(60_000);
    expect(await os.list({ cluster: 'c1' })).toEqual([]);
  });

  it('refreshes from when Nova read its rows, not from when a slow answer came, so no change falls between two refreshes', async () => {
    const { os, clock, add, lag, set } = provider();
    const server = await add('ACTIVE');
    await os.list({ cluster: 'c1' });
    await clock.advance(10_000);

    lag.ms = 8_000;
    const slow = os.list({ cluster: 'c1' }); // read now, answered 8 s later
    await clock.advance(2_000);
    set(server, { status: 'REBOOT' });
    await clock.advance(6_000);
    expect((await slow).map((m) => m.status)).toEqual(['running']);

    lag.ms = 0;
    await clock.advance(1_000);
    expect((await os.list({ cluster: 'c1' })).map((m) => m.status)).toEqual(['rebooting']);
  });

  it('keeps a server of ours that a refresh shows without our tags in its pool until a full list decides', async () => {
    const { os, clock, add, set } = provider();
    const quiet = await add('ACTIVE');
    const stripped = await add('ACTIVE');
    await os.list({ cluster: 'c1' });
    await clock.advance(10_000);

    set(quiet, { status: 'UNKNOWN', metadata: undefined }); // Nova's partial answer: no metadata at all
    set(stripped, { status: 'REBOOT', metadata: {} });
    const refreshed = new Map((await os.list({ cluster: 'c1', pools: ['p'] })).map((m) => [m.id, m.status]));
    expect(refreshed).toEqual(new Map([[quiet, 'running'], [stripped, 'rebooting']]));

    await clock.advance(60_000);
    expect((await os.list({ cluster: 'c1' })).map((m) => m.id)).toEqual([]);
  });
});

describe('the servers/detail walk', () => {
  it('a server Nova shows on two pages (servers created or deleted while it pages) is one server, as last shown', async () => {
    // Seen on a real Nova in CI: a re-launch under the same intent answered one server twice,
    // so the conformance suite saw three machines where the cloud had two.
    const created = '2026-12-06T17:50:00Z';
    const pages: { servers: NovaServer[]; next?: string }[] = [
      { servers: [{ id: 'a', status: 'ACTIVE', created }, { id: 'b', status: 'BUILD', created }], next: 'b' },
      { servers: [{ id: 'b', status: 'ACTIVE', created }, { id: 'c', status: 'ACTIVE', created }], next: 'c' },
      { servers: [] },
    ];
    let call = 0;
    const nova = { microversion: async () => [2, 93], listServers: async () => pages[call++]!, createServer: async () => ({ id: 'x' }), action: async () => undefined, deleteServer: async () => undefined, listFlavors: async () => [], getServer: async () => pages[0]!.servers[0]! } as NovaApi;
    const lister = new ServerLister(nova, new VirtualClock(Date.parse(created)), { pageSize: 2, changesSince: false, fullListMs: 60_000 });
    const { servers, pages: walked } = await lister.walk({});
    expect(walked).toBe(3);
    expect(servers.map((s) => [s.id, s.status])).toEqual([
      ['a', 'ACTIVE'],
      ['b', 'ACTIVE'],
      ['c', 'ACTIVE'],
    ]);
  });
});
