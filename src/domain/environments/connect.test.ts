import { describe, expect, it } from 'vitest';
import { wayIn } from './connect.js';

describe('wayIn: the shell command onto a machine', () => {
  it.each([
    ['a cloud machine', { kind: 'ssh' as const, user: 'ubuntu', address: '10.0.0.5' }, 'ssh ubuntu@10.0.0.5'],
    ['an IPv6 address needs no brackets for ssh', { kind: 'ssh' as const, user: 'cirros', address: 'fd00::5' }, 'ssh cirros@fd00::5'],
    ['a local machine: a shell in its directory', { kind: 'local' as const, dir: '/home/ana/fleet/.flotte/local/local-0a1b2c3d4e' }, 'cd /home/ana/fleet/.flotte/local/local-0a1b2c3d4e && exec "${SHELL:-/bin/sh}"'],
    ["a directory a shell would split is quoted, quotes and all", { kind: 'local' as const, dir: "/home/ana/my fleet's/.flotte/local/local-1" }, `cd '/home/ana/my fleet'\\''s/.flotte/local/local-1' && exec "\${SHELL:-/bin/sh}"`],
  ])('%s', (_why, target, command) => {
    expect(wayIn(target)).toBe(command);
  });
});
