import { chmodSync, existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { secureDataDir } from './data-dir.js';
import { openStore } from './open-store.js';
import type { Store } from './store.js';

const mode = (path: string) => statSync(path).mode & 0o777;
const opened: Store[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

function logLines() {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (l: string) => void lines.push(l) });
  return { log, lines };
}

describe('state files are readable by this user only', () => {
  it('a new data dir is 0700; state.db, its -wal and -shm are 0600 after writes and a checkpoint', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'flotte-modes-')), '.flotte');
    const store = await openStore(undefined, { dataDir });
    opened.push(store);
    await store.setHealingPaused('workers', { at: Date.UTC(2026, 11, 6, 9, 0), reason: 'test' });
    expect(mode(dataDir)).toBe(0o700);
    for (const f of ['state.db', 'state.db-wal', 'state.db-shm']) expect(mode(join(dataDir, f)), f).toBe(0o600);
  });

  it('a state.db left 0644 by an older flotte is tightened; -wal/-shm that SQLite makes later are 0600 too', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'flotte-modes-'));
    const path = join(dataDir, 'state.db');
    // An older flotte's store: flotte's schema, left readable by others.
    await (await openStore(path)).close();
    const old = new SQLite(path);
    old.exec('create table t (x)');
    old.close();
    chmodSync(path, 0o644);
    const store = await openStore(path);
    await store.close();
    expect(mode(path)).toBe(0o600);
    expect(existsSync(`${path}-wal`)).toBe(false); // the last connection removed them

    // Another connection (a backup, the controller lock) makes the -wal/-shm afresh, under a permissive umask.
    const was = process.umask(0);
    try {
      const later = new SQLite(path);
      later.exec('insert into t values (1)');
      expect(mode(`${path}-wal`)).toBe(0o600);
      expect(mode(`${path}-shm`)).toBe(0o600);
      later.close();
    } finally {
      process.umask(was);
    }
  });

  it('an existing data dir open to others is tightened to 0700, and says so in the log', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'flotte-modes-')), '.flotte');
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'keep'), 'x');
    const { log, lines } = logLines();
    secureDataDir(dataDir, log);
    expect(mode(dataDir)).toBe(0o700);
    expect(lines.join('')).toMatch(/data dir .* was mode 0755: tightened to 0700/);
    lines.length = 0;
    secureDataDir(dataDir, log);
    expect(lines).toEqual([]); // already private: nothing to say
  });

  it('flotte api and flotte controller, opening the default state file, get a private data dir too', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'flotte-modes-')), '.flotte');
    mkdirSync(dataDir);
    chmodSync(dataDir, 0o755);
    opened.push(await openStore(undefined, { dataDir }));
    expect(mode(dataDir)).toBe(0o700);
  });
});
