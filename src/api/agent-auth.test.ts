import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { machine } from '../../test/support/domain-fixtures.js';
import type { Database } from '../store/database.js';
import { launchJoinToken, newJoinKey } from '../store/agent-secrets.js';
import { MIGRATIONS } from '../store/migrations/index.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { buildApp } from './app.js';
import { issueToken } from './tokens.js';

const START = Date.UTC(2026, 11, 6, 9, 0);
const CONFIG = `
cluster: auth
providers:
  sim:
    type: sim
templates:
  small:
    provider: sim
    image: img-1
    size: m5.large
pools:
  workers:
    template: small
    min: 0
    max: 10
    desired: 2
  batch:
    template: small
    min: 0
    max: 10
    desired: 1
`;

const report = (id: string, pool = 'workers', busy = 0) => ({ machine: id, pool, busy, load: { load1: 0.4, cpu: 0.2, memory: 0.3 } });
const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
/** The raw bytes of the store's files, as anyone holding a copy would see them (a -wal is gone after a clean close). */
const storeBytes = (dataDir: string) => ['state.db', 'state.db-wal'].map((f) => (existsSync(join(dataDir, f)) ? readFileSync(join(dataDir, f)).toString('latin1') : '')).join('');

interface Rig {
  app: FastifyInstance;
  store: Store;
  clock: VirtualClock;
  dataDir: string;
  admin: Record<string, string>;
  /** What the API logged (warnings and up). */
  logged: string[];
}

const rigs: Rig[] = [];
afterEach(async () => {
  for (const r of rigs.splice(0)) {
    await r.app.close();
    await r.store.close();
  }
});

async function rig(dataDir = mkdtempSync(join(tmpdir(), 'flotte-agent-auth-'))): Promise<Rig> {
  const clock = new VirtualClock(START);
  const store = await openStore(undefined, { dataDir });
  const parsed = parseConfig(CONFIG, 'flotte.yaml');
  if (!parsed.ok) throw new Error('test config must parse');
  await store.applyConfig(parsed.applied, clock.now());
  await store.saveMachines([
    machine('i-0aaa', { pool: 'workers', state: 'booting', since: START, launchedAt: START, intent: 'li-one' }),
    machine('i-0bbb', { pool: 'workers', state: 'booting', since: START, launchedAt: START, intent: 'li-one' }),
    machine('i-0ccc', { pool: 'batch', state: 'booting', since: START, launchedAt: START, intent: 'li-two' }),
    machine('i-0ddd', { pool: 'workers', state: 'booting', since: START, launchedAt: START, intent: 'li-three' }),
  ]);
  const logged: string[] = [];
  const app = await buildApp({ store, clock, parseConfig, logger: pino({ level: 'warn' }, { write: (line: string) => void logged.push(line) }) });
  const { secret } = await issueToken(store, { name: 'admin', role: 'admin', createdBy: 'test' }, clock.now());
  const r = { app, store, clock, dataDir, admin: bearer(secret), logged };
  rigs.push(r);
  return r;
}

async function mintJoinToken(r: Rig, pool = 'workers'): Promise<string> {
  const res = await r.app.inject({ method: 'GET', url: `/api/v1/pools/${pool}/join-token`, headers: r.admin });
  expect(res.statusCode).toBe(200);
  return res.json<{ token: string }>().token;
}

async function joinAs(r: Rig, token: string, id: string, pool = 'workers') {
  return r.app.inject({ method: 'POST', url: '/api/v1/agents/join', headers: bearer(token), payload: report(id, pool) });
}

async function heartbeat(r: Rig, secret: string, id: string, busy = 0) {
  return r.app.inject({ method: 'POST', url: '/api/v1/agents/heartbeat', headers: bearer(secret), payload: report(id, 'workers', busy) });
}

describe('agent credentials: a machine reports only as itself', () => {
  it('a valid join returns a per-machine credential; heartbeats with it keep working and record busy counts', async () => {
    const r = await rig();
    const token = await mintJoinToken(r);
    const joined = await joinAs(r, token, 'i-0aaa');
    expect(joined.statusCode).toBe(200);
    const { credential } = joined.json<{ credential?: string }>();
    expect(credential).toMatch(/^fac_[A-Za-z0-9_-]{40,}$/);
    for (let i = 1; i <= 3; i++) {
      await r.clock.advance(5_000);
      const beat = await heartbeat(r, credential!, 'i-0aaa', i);
      expect(beat.statusCode).toBe(200);
    }
    expect(await r.store.getHeartbeat('i-0aaa')).toMatchObject({ busy: 3, lastAt: START + 15_000, joinedAt: START });
  });

  it("a heartbeat for machine A with machine B's credential is refused (401, logged) and A's last heartbeat is unchanged", async () => {
    const r = await rig();
    const token = await mintJoinToken(r);
    const a = (await joinAs(r, token, 'i-0aaa')).json<{ credential?: string }>().credential;
    const b = (await joinAs(r, token, 'i-0bbb')).json<{ credential?: string }>().credential;
    expect(a).toMatch(/^fac_/);
    expect(b).toMatch(/^fac_/);
    const before = await r.store.getHeartbeat('i-0aaa');

    await r.clock.advance(30_000);
    const forged = await heartbeat(r, b!, 'i-0aaa', 9);
    expect(forged.statusCode).toBe(401);
    expect(forged.json<{ error: { code: string } }>().error.code).toBe('unauthorized');
    // Nor does the pool's join token stand in for a machine's credential.
    expect((await heartbeat(r, token, 'i-0aaa', 9)).statusCode).toBe(401);
    expect(await r.store.getHeartbeat('i-0aaa')).toEqual(before);
    const refusals = r.logged.map((l) => JSON.parse(l) as { msg: string; machine?: string }).filter((l) => l.msg === 'agent refused: wrong credential for this machine');
    expect(refusals.map((l) => l.machine)).toEqual(['i-0aaa', 'i-0aaa']);
    expect(r.logged.join('')).not.toContain(b!); // the secret itself is never logged
  });

  it('a join naming a machine id flotte does not know for that pool is refused, and nothing is stored', async () => {
    const r = await rig();
    const token = await mintJoinToken(r);
    const ghost = await joinAs(r, token, 'i-0deadbeef');
    expect(ghost.statusCode).toBe(404);
    expect(ghost.json<{ error: { message: string } }>().error.message).toMatch(/i-0deadbeef is not a machine of pool "workers"/);
    // A machine of another pool is not one of this pool's either.
    expect((await joinAs(r, token, 'i-0ccc')).statusCode).toBeGreaterThanOrEqual(400);
    expect(await r.store.getHeartbeat('i-0deadbeef')).toBeUndefined();
    expect(await r.store.getHeartbeat('i-0ccc')).toBeUndefined();
  });

  it('a minted join token is shown once and audited; the store keeps neither it nor any credential in plain text', async () => {
    const r = await rig();
    const first = await mintJoinToken(r);
    const second = await mintJoinToken(r);
    expect(second).not.toBe(first); // minted anew each time, never read back from the store
    const credential = (await joinAs(r, first, 'i-0aaa')).json<{ credential?: string }>().credential;
    expect(credential).toMatch(/^fac_/);
    expect((await heartbeat(r, credential!, 'i-0aaa')).statusCode).toBe(200);
    const audit = await r.app.inject({ method: 'GET', url: '/api/v1/audit?pool=workers', headers: r.admin });
    const actions = audit.json<{ items: { action: string; params: unknown }[] }>().items.filter((i) => i.action === 'GET /api/v1/pools/:name/join-token');
    expect(actions).toHaveLength(2);
    expect(JSON.stringify(actions)).not.toContain(first);

    await r.app.close();
    await r.store.close();
    rigs.splice(0);
    const bytes = storeBytes(r.dataDir);
    for (const secret of [first, second, credential!]) expect(bytes.includes(secret), `${secret.slice(0, 6)}… in state.db`).toBe(false);
    const db = new SQLite(join(r.dataDir, 'state.db'), { readonly: true });
    try {
      for (const { name } of db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]) {
        const rows = JSON.stringify(db.prepare(`select * from "${name}"`).all());
        for (const secret of [first, second, credential!]) expect(rows.includes(secret), `${secret.slice(0, 6)}… in table ${name}`).toBe(false);
      }
    } finally {
      db.close();
    }
  });
});

describe("a launch's join token", () => {
  it('is derived from the cluster key and the launch intent, the same on every send, and joins only the machines of that launch', async () => {
    const r = await rig();
    const key = await r.store.agentJoinKey(newJoinKey(), START);
    expect(await r.store.agentJoinKey(newJoinKey(), START + 1)).toBe(key);
    const one = launchJoinToken(key, 'workers', 'li-one');
    expect(launchJoinToken(key, 'workers', 'li-one')).toBe(one); // a re-sent launch carries the same user-data
    expect((await joinAs(r, one, 'i-0aaa')).statusCode).toBe(200);
    expect((await joinAs(r, one, 'i-0bbb')).statusCode).toBe(200);
    expect((await joinAs(r, one, 'i-0ddd')).statusCode).toBe(401); // another launch's machine
    expect((await joinAs(r, launchJoinToken(key, 'batch', 'li-one'), 'i-0aaa')).statusCode).toBe(401); // tokens never cross pools
    expect(await r.store.getHeartbeat('i-0ddd')).toBeUndefined();
  });
});

describe('upgrading a store that kept join tokens in plain text (migration 0011)', () => {
  it('the old token is gone from the database; it still lets machines join, and pre-upgrade agents keep reporting until they re-join', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotte-agent-auth-'));
    const path = join(dataDir, 'state.db');
    const old = new Kysely<Database>({ dialect: new SqliteDialect({ database: new SQLite(path) }) });
    const before = Object.fromEntries(Object.entries(MIGRATIONS).filter(([name]) => name < '0011'));
    const { error } = await new Migrator({ db: old, provider: { getMigrations: () => Promise.resolve(before) } }).migrateToLatest();
    expect(error).toBeUndefined();
    const legacy = 'fjt_legacyTokenFromBeforeTheUpgrade0123';
    await old.insertInto('join_tokens' as never).values({ pool: 'workers', token: legacy, created_at: START } as never).execute();
    // An agent that joined before the upgrade: its row has no credential.
    await old
      .insertInto('agents')
      .values({ machine: 'i-0aaa', pool: 'workers', joined_at: START, last_at: START, busy: 0, available: 1, drained: 0, load: '{"load1":0,"cpu":0,"memory":0}', address: null, sessions: 0 })
      .execute();
    await old.destroy();

    const r = await rig(dataDir);
    // The pre-upgrade agent still sends the pool token with its heartbeats: accepted, for its own row only.
    await r.clock.advance(5_000);
    expect((await heartbeat(r, legacy, 'i-0aaa', 1)).statusCode).toBe(200);
    expect((await r.store.getHeartbeat('i-0aaa'))?.lastAt).toBe(START + 5_000);
    expect((await heartbeat(r, legacy, 'i-0bbb', 1)).statusCode).toBe(401); // never joined: it must join first
    // A machine still booting with the old token in its user-data joins, and from then on uses its credential.
    const joined = await joinAs(r, legacy, 'i-0bbb');
    expect(joined.statusCode).toBe(200);
    const credential = joined.json<{ credential: string }>().credential;
    expect((await heartbeat(r, credential, 'i-0bbb')).statusCode).toBe(200);
    expect((await heartbeat(r, legacy, 'i-0bbb')).statusCode).toBe(401);

    await r.app.close();
    await r.store.close();
    rigs.splice(0);
    const bytes = storeBytes(dataDir);
    expect(bytes.includes(legacy)).toBe(false);
  });
});
