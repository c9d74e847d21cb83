import { readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/load.js';
import { openStore } from './open-store.js';
import { StoreDamaged } from './state-file.js';

const AT = Date.UTC(2026, 11, 6, 9, 0);
const CONFIG = 'cluster: kept\nproviders:\n  sim: { type: sim }\ntemplates:\n  small: { provider: sim, image: img-1, size: m5.large }\npools:\n  web: { template: small, min: 0, max: 50, desired: 12 }\n  batch: { template: small, min: 0, max: 50, desired: 3 }\n';

/** A data dir holding a real flotte store with two pools, closed (its WAL folded into the file). */
async function storedFleet(): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flotte-state-'));
  const store = await openStore(undefined, { dataDir: dir });
  const parsed = parseConfig(CONFIG, 'flotte.yaml');
  if (!parsed.ok) throw new Error('test config is invalid');
  await store.applyConfig(parsed.applied, AT);
  await store.close();
  return { dir, file: join(dir, 'state.db') };
}

async function refusal(dir: string): Promise<StoreDamaged> {
  const e = await openStore(undefined, { dataDir: dir }).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StoreDamaged);
  return e as StoreDamaged;
}

describe('a damaged state file is refused, never taken for a new install', () => {
  it('a missing file is a new install: an empty fleet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotte-state-'));
    const store = await openStore(undefined, { dataDir: dir });
    expect(await store.listPools()).toEqual([]);
    await store.close();
  });

  it('a zero-byte state.db is refused, naming the file and both ways out, and is left as it was', async () => {
    const { dir, file } = await storedFleet();
    writeFileSync(file, '');
    const e = await refusal(dir);
    expect(e.message).toBe(`${file} is empty (0 bytes): restore a backup (\`flotte restore FILE\`), or move the file away to start afresh (the fleet it knew is then forgotten and its machines keep running in the cloud)`);
    expect(e.exitCode).toBe(1);
    expect(statSync(file).size).toBe(0);
  });

  it('a truncated state.db is refused as damaged', async () => {
    const { dir, file } = await storedFleet();
    truncateSync(file, Math.floor(statSync(file).size / 2));
    expect((await refusal(dir)).message).toMatch(new RegExp(`^${file} is damaged \\(.+\\): restore a backup`));
  });

  it('a state.db overwritten with text is refused as not a database', async () => {
    const { dir, file } = await storedFleet();
    writeFileSync(file, 'pools:\n  web: { desired: 12 }\n'.repeat(400));
    expect((await refusal(dir)).message).toMatch(new RegExp(`^${file} is not a SQLite database: `));
  });

  it('a state.db whose pages were scribbled over past the header is refused as damaged', async () => {
    const { dir, file } = await storedFleet();
    const bytes = readFileSync(file);
    bytes.fill(0x5a, 100, bytes.length);
    writeFileSync(file, bytes);
    expect((await refusal(dir)).message).toMatch(new RegExp(`^${file} is damaged \\(`));
  });

  it('a SQLite file that is not a flotte store is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotte-state-'));
    const file = join(dir, 'state.db');
    const other = new SQLite(file);
    other.exec("create table notes (text text); insert into notes values ('not flotte')");
    other.close();
    expect((await refusal(dir)).message).toMatch(new RegExp(`^${file} is not a flotte store`));
  });

  it('a store written by a newer flotte is refused, not migrated around', async () => {
    const { dir, file } = await storedFleet();
    const db = new SQLite(file);
    db.prepare('insert into kysely_migration (name, timestamp) values (?, ?)').run('9999-from-the-future', new Date(AT).toISOString());
    db.close();
    const e = await openStore(undefined, { dataDir: dir }).catch((err: unknown) => err as Error);
    expect((e as Error).message).toBe(`${file} was written by a newer flotte (schema 9999-from-the-future unknown to this version): run that version, or restore a backup this version wrote (\`flotte restore FILE\`)`);
  });

  it('a sound store opens with its fleet', async () => {
    const { dir } = await storedFleet();
    const store = await openStore(undefined, { dataDir: dir });
    expect((await store.listPools()).map((p) => [p.name, p.desired]).sort()).toEqual([['batch', 3], ['web', 12]]);
    await store.close();
  });
});
