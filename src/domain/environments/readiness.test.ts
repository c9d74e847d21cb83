import { describe, expect, it } from 'vitest';
import { readinessVerdict, type ReadinessCheck, type RoleReadiness } from './readiness.js';

const AT = Date.UTC(2026, 11, 7, 9, 0);
const tcp: ReadinessCheck = { kind: 'tcp', target: '127.0.0.1:5432', timeoutMs: 5_000, intervalMs: 2_000 };
const passing = { ok: true, at: AT, output: 'connected to 127.0.0.1:5432' };
const refused = { ok: false, at: AT, output: 'connect ECONNREFUSED 127.0.0.1:5432' };
const role = (over: Partial<RoleReadiness> = {}): RoleReadiness => ({ role: 'db', count: 1, readyTimeoutMs: 60_000, machines: [{ id: 'i-1', state: 'ready' }], ...over });

describe('readiness verdict', () => {
  it.each([
    ['every machine ready, no check', [role()], { kind: 'ready' }],
    ['every machine ready and its check passing', [role({ check: tcp, machines: [{ id: 'i-1', state: 'ready', result: passing }] })], { kind: 'ready' }],
    ['a machine still booting', [role({ machines: [{ id: 'i-1', state: 'booting' }] })], { kind: 'waiting', roles: ['db'] }],
    ['a check not passing yet', [role({ check: tcp, machines: [{ id: 'i-1', state: 'ready', result: refused }] })], { kind: 'waiting', roles: ['db'] }],
    ['a check its agent has not reported', [role({ check: tcp })], { kind: 'waiting', roles: ['db'] }],
    ['one role of two waiting', [role({ role: 'app' }), role({ check: tcp })], { kind: 'waiting', roles: ['db'] }],
  ])('%s', (_what, roles, want) => {
    expect(readinessVerdict(roles, 30_000)).toEqual(want);
  });

  it('fails a check still not passing after the ready timeout, naming role, machine, check and what it saw', () => {
    const roles = [role({ role: 'app' }), role({ check: tcp, machines: [{ id: 'i-1', state: 'ready', result: passing }, { id: 'i-2', state: 'ready', result: refused }], count: 2 })];
    expect(readinessVerdict(roles, 60_001)).toEqual({ kind: 'failed', reason: 'role db: machine i-2: readiness check tcp 127.0.0.1:5432 not passing after 1m, failing: connect ECONNREFUSED 127.0.0.1:5432' });
  });

  it('a check that fails without printing anything says so, rather than ending on an empty line', () => {
    const silent = { ok: false, at: AT, output: '' };
    const cmd: ReadinessCheck = { kind: 'command', target: 'pg_isready -q', timeoutMs: 5_000, intervalMs: 2_000 };
    expect(readinessVerdict([role({ check: cmd, machines: [{ id: 'i-1', state: 'ready', result: silent }] })], 60_001)).toEqual({
      kind: 'failed',
      reason: 'role db: machine i-1: readiness check command pg_isready -q not passing after 1m, failing: (no output)',
    });
  });

  it('says so when the agent never reported a result', () => {
    expect(readinessVerdict([role({ check: tcp })], 60_001)).toEqual({ kind: 'failed', reason: 'role db: machine i-1: readiness check tcp 127.0.0.1:5432 not passing after 1m, no result reported by its agent' });
  });

  it('keeps the machine-count failure when machines never became ready', () => {
    expect(readinessVerdict([role({ count: 2, check: tcp })], 60_001)).toEqual({ kind: 'failed', reason: 'role db: 1 of 2 machines ready after 1m' });
  });

  it('waits up to the timeout itself', () => {
    expect(readinessVerdict([role({ check: tcp })], 60_000).kind).toBe('waiting');
  });
});
