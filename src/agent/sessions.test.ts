import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { countUtmpSessions, loggedInSessions } from './sessions.js';

/** A glibc utmp record (384 bytes): type at 0, user name at 44. */
function record(type: number, user: string): Buffer {
  const b = Buffer.alloc(384);
  b.writeInt16LE(type, 0);
  b.write(user, 44, 'utf8');
  return b;
}

describe('logged-in sessions', () => {
  it('counts USER_PROCESS records with a user, as who lists them', () => {
    const utmp = Buffer.concat([record(2, 'reboot'), record(7, 'alice'), record(8, ''), record(7, 'bob'), record(6, 'LOGIN')]);
    expect(countUtmpSessions(utmp)).toBe(2);
  });

  it('reads the file; a missing one, or source none, means no sessions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'utmp-'));
    writeFileSync(join(dir, 'utmp'), Buffer.concat([record(7, 'alice')]));
    expect(loggedInSessions('utmp', join(dir, 'utmp'))).toBe(1);
    expect(loggedInSessions('none', join(dir, 'utmp'))).toBe(0);
    expect(loggedInSessions('utmp', join(dir, 'absent'))).toBe(0);
  });
});
