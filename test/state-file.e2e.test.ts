import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startService, type ServiceProcess } from './support/services-proc.js';
import { freePort, getJson, runCli, startUp, tempDir, waitFor, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';

const SIM = { bootSeconds: { min: 1, max: 2 } };
const fleet = (simUrl: string): string =>
  `cluster: kept\nproviders:\n  sim: ${JSON.stringify({ type: 'sim', server: simUrl, ...SIM })}\ntemplates:\n  small: { provider: sim, image: img-1, size: m5.large }\npools:\n  web: { template: small, min: 0, max: 50, desired: 6 }\n  batch: { template: small, min: 0, max: 50, desired: 3 }\n`;

interface PoolView {
  name: string;
  desired: number;
  ready: number;
}
const poolsOf = async (url: string): Promise<[string, number][]> => (await getJson<{ items: PoolView[] }>(`${url}/api/v1/pools`)).items.map((p): [string, number] => [p.name, p.desired]).sort();
const machinesOf = async (url: string): Promise<string[]> => {
  const ids: string[] = [];
  for (const pool of ['web', 'batch']) ids.push(...(await getJson<{ machines: { id: string; state: string }[] }>(`${url}/api/v1/pools/${pool}`)).machines.filter((m) => m.state !== 'gone').map((m) => m.id));
  return ids.sort();
};

const running: (UpProcess | ServiceProcess)[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
}, 60_000);

describe('state you can trust (real processes)', () => {
  it('`flotte up` on a zero-byte state.db refuses in one line naming the file, exit 1, and leaves the file alone', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, '.flotte'), { mode: 0o700 }); // as flotte makes it: a looser one is tightened, with a warning of its own
    writeFileSync(join(dir, '.flotte', 'state.db'), '');
    const r = await runCli(['up', '--port', String(await freePort())], { cwd: dir });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toBe(`flotte: .flotte/state.db is empty (0 bytes): restore a backup (\`flotte restore FILE\`), or move the file away to start afresh (the fleet it knew is then forgotten and its machines keep running in the cloud)\n`);
    expect(statSync(join(dir, '.flotte', 'state.db')).size).toBe(0);
  }, 60_000);

  it('a backup taken while flotte runs and writes restores into a fresh dir, and flotte started there has the same pools and machines', async () => {
    const sim = await startService('sim-server', ['sim-server', '--options', JSON.stringify(SIM)]);
    running.push(sim);
    const dir = tempDir();
    writeFileSync(join(dir, 'flotte.yaml'), fleet(sim.url));
    const up = await startUp(dir);
    running.push(up);
    await waitFor('9 ready', async () => (await getJson<{ items: PoolView[] }>(`${up.url}/api/v1/pools`)).items.reduce((n, p) => n + p.ready, 0) === 9);

    // Writers through the API while the backup runs: a token a step, each one a committed write.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        const res = await fetch(`${up.url}/api/v1/tokens`, { method: 'POST', headers: { authorization: `Bearer ${up.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: `writer-${written}`, role: 'viewer' }) });
        expect(res.status).toBe(201);
        written++;
        // Under the API's per-token budget (50/s refill): a faster loop is refused with 429, not tested.
        await new Promise((r) => setTimeout(r, 30));
      }
    })();
    await waitFor('some writes', async () => written >= 5);
    const backup = join(tempDir(), 'flotte.backup');
    const before = written;
    const made = await runCli(['backup', backup], { cwd: dir });
    const after = written;
    writing = false;
    await writer;
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^backed up \.flotte\/state\.db to .*flotte\.backup \(2 pools, 9 machines, config applied .*; mode 0600\)\n$/);
    expect(statSync(backup).mode & 0o777).toBe(0o600);
    // One consistent snapshot: every write committed before the backup began is in it, none is torn.
    const copy = new SQLite(backup, { readonly: true });
    const tokens = (copy.prepare("select count(*) as n from api_tokens where name like 'writer-%'").get() as { n: number }).n;
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    copy.close();
    expect(tokens).toBeGreaterThanOrEqual(before);
    expect(tokens).toBeLessThanOrEqual(after);

    // Never over an existing file without --force.
    const again = await runCli(['backup', backup], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`flotte: ${backup} already exists: choose another file, or pass --force to overwrite it\n`);

    // Restoring onto the running flotte's state is refused.
    const busy = await runCli(['restore', backup, '--yes'], { cwd: dir });
    expect(busy.code, busy.stderr).toBe(1);
    expect(busy.stderr).toBe(`flotte: a flotte is running on .flotte/state.db (pid ${up.proc.pid} on ${hostname()}): stop it, and any \`flotte api\` on this state, before restoring\n`);

    const pools = await poolsOf(up.url);
    const machines = await machinesOf(up.url);
    await up.stop();

    // Restore into a fresh dir: shown first, done only with --yes.
    const fresh = tempDir();
    const shown = await runCli(['restore', backup], { cwd: fresh });
    expect(shown.code).toBe(2);
    expect(shown.stdout.split('\n')[1]).toBe('in place of nothing (no state yet)');
    expect(shown.stderr).toBe("flotte: nothing changed: this replaces the fleet flotte knows with the backup's; re-run with --yes to do it\n");
    expect(existsSync(join(fresh, '.flotte', 'state.db'))).toBe(false);
    const restored = await runCli(['restore', backup, '--yes'], { cwd: fresh });
    expect(restored.code, restored.stderr).toBe(0);
    expect(statSync(join(fresh, '.flotte', 'state.db')).mode & 0o777).toBe(0o600);

    // No flotte.yaml here: the pools are the restored store's own. Tokens come back with the state; the admin-token file beside it is the operator's to keep.
    copyFileSync(join(dir, '.flotte', 'admin-token'), join(fresh, '.flotte', 'admin-token'));
    const back = await startUp(fresh);
    running.push(back);
    expect(await poolsOf(back.url)).toEqual(pools);
    expect(await machinesOf(back.url)).toEqual(machines);
    // A few ticks later still the same: nothing relaunched, nothing lost.
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await machinesOf(back.url)).toEqual(machines);
  }, 300_000);

  it('restore over existing state shows both, keeps the replaced file aside, and refuses a file that is not a flotte backup', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'flotte.yaml'), flotteYaml({ style: 'flow', cluster: 'small', pools: { one: { max: 5, desired: 0 } } }));
    const up = await startUp(dir);
    running.push(up);
    const backup = join(dir, 'one.backup');
    expect((await runCli(['backup', backup], { cwd: dir })).code).toBe(0);
    await up.stop();

    const junk = join(dir, 'junk.backup');
    writeFileSync(junk, 'not a database at all\n'.repeat(100));
    const refused = await runCli(['restore', junk, '--yes'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(`flotte: ${junk} is not a flotte backup: it is not a SQLite database\n`);

    const done = await runCli(['restore', backup, '--yes'], { cwd: dir });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout.split('\n').slice(0, 2)).toEqual([expect.stringMatching(/^restore .*one\.backup \(1 pools, 0 machines, config applied .+\)$/), expect.stringMatching(/^in place of \.flotte\/state\.db \(1 pools, 0 machines, config applied .+\)$/)]);
    const aside = readdirSync(join(dir, '.flotte')).filter((f) => f.startsWith('state.db.replaced-'));
    expect(aside).toHaveLength(1);
    expect(done.stdout).toContain(`the replaced file is kept as .flotte/${aside[0]}`);
  }, 180_000);

  it('on PostgreSQL, backup and restore point to pg_dump and pg_restore', async () => {
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    const b = await runCli(['backup', 'x.backup', '--database', url], { cwd: tempDir() });
    expect([b.code, b.stderr]).toEqual([2, 'flotte: flotte backup works on SQLite state; on PostgreSQL use pg_dump (see docs/operations.md)\n']);
    const r = await runCli(['restore', 'x.backup', '--database', url], { cwd: tempDir() });
    expect([r.code, r.stderr]).toEqual([2, 'flotte: flotte restore works on SQLite state; on PostgreSQL use pg_restore (see docs/operations.md)\n']);
  }, 60_000);
});
