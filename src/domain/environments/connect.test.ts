import { describe, expect, it } from 'vitest';
import { machine } from '../../../test/support/domain-fixtures.js';
import { DEFAULT_SSH_USER, connectMachine, connectRole, wayIn } from './connect.js';
import type { Environment } from './types.js';

const env: Pick<Environment, 'id' | 'name' | 'status' | 'roles'> = {
  id: 'e7f3a9',
  name: 'pr-4312',
  status: 'ready',
  roles: [
    { name: 'app', pool: 'env-e7f3a9-app', template: 'small', count: 2, readyTimeoutMs: 600_000 },
    { name: 'db', pool: 'env-e7f3a9-db', template: 'large', count: 1, readyTimeoutMs: 900_000 },
  ],
};
const [app, db] = env.roles as [Environment['roles'][number], Environment['roles'][number]];

describe('connectRole: which role a connect goes to', () => {
  it("without --role, the template's first role", () => {
    expect(connectRole(env, undefined)).toEqual({ ok: true, role: app });
  });

  it('the role asked for, also when it is not the first', () => {
    expect(connectRole(env, 'db')).toEqual({ ok: true, role: db });
  });

  it('an unknown role is not found, listing the roles there are', () => {
    expect(connectRole(env, 'cache')).toEqual({ ok: false, kind: 'not-found', problem: 'environment pr-4312 (e7f3a9) has no role "cache" (its roles: app, db)' });
  });
});

describe('connectMachine: which machine of the role, at which address', () => {
  const at = (value: string) => [{ kind: 'private' as const, value }];

  it('the first ready machine with an address, skipping one still booting', () => {
    const machines = [
      machine('i-0a11', { pool: app.pool, state: 'booting', addresses: at('10.0.1.4') }),
      machine('i-0b22', { pool: app.pool, state: 'ready', addresses: [{ kind: 'public', value: '54.12.3.4' }, { kind: 'private', value: '10.0.1.7' }] }),
      machine('i-0c33', { pool: app.pool, state: 'ready', addresses: at('10.0.1.9') }),
    ];
    const got = connectMachine(env, app, machines);
    expect(got.ok && [got.machine.id, got.address]).toEqual(['i-0b22', '10.0.1.7']);
  });

  it('a ready machine whose provider has not reported an address yet is passed over for one that has', () => {
    const machines = [machine('i-0a11', { pool: app.pool, state: 'ready' }), machine('i-0b22', { pool: app.pool, state: 'ready', addresses: at('10.0.1.7') })];
    const got = connectMachine(env, app, machines);
    expect(got.ok && [got.machine.id, got.address]).toEqual(['i-0b22', '10.0.1.7']);
  });

  it('no ready machine yet is a conflict that says how to follow the environment', () => {
    const creating = { ...env, status: 'creating' as const };
    expect(connectMachine(creating, db, [machine('i-0d44', { pool: db.pool, state: 'booting', addresses: at('10.0.2.3') })])).toEqual({
      ok: false,
      kind: 'conflict',
      problem: 'role db of environment pr-4312 (e7f3a9, creating) has no ready machine yet (follow it: flotte env show e7f3a9)',
    });
    expect(connectMachine(creating, db, [])).toMatchObject({ ok: false, kind: 'conflict' });
  });

  it('ready machines without any address are a conflict to retry in a few seconds', () => {
    expect(connectMachine(env, app, [machine('i-0a11', { pool: app.pool, state: 'ready' })])).toEqual({
      ok: false,
      kind: 'conflict',
      problem: 'role app of environment pr-4312 (e7f3a9, ready): no ready machine has an address yet; its provider reports one on a later tick (retry in a few seconds)',
    });
  });
});

describe('wayIn: the shell command onto a machine', () => {
  it.each([
    ['a cloud machine', { kind: 'ssh' as const, user: 'ubuntu', address: '10.0.0.5' }, 'ssh ubuntu@10.0.0.5'],
    ['an IPv6 address needs no brackets for ssh', { kind: 'ssh' as const, user: 'cirros', address: 'fd00::5' }, 'ssh cirros@fd00::5'],
    ['a local machine: a shell in its directory', { kind: 'local' as const, dir: '/home/ana/fleet/.flotte/local/local-0a1b2c3d4e' }, 'cd /home/ana/fleet/.flotte/local/local-0a1b2c3d4e && exec "${SHELL:-/bin/sh}"'],
    ["a directory a shell would split is quoted, quotes and all", { kind: 'local' as const, dir: "/home/ana/my fleet's/.flotte/local/local-1" }, `cd '/home/ana/my fleet'\\''s/.flotte/local/local-1' && exec "\${SHELL:-/bin/sh}"`],
  ])('%s', (_why, target, command) => {
    expect(wayIn(target)).toBe(command);
  });

  it("a fleet template that names no ssh user logs in as ubuntu, the login of Ubuntu's cloud images", () => {
    expect(wayIn({ kind: 'ssh', user: DEFAULT_SSH_USER, address: '10.0.1.7' })).toBe('ssh ubuntu@10.0.1.7');
  });
});
