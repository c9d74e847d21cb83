import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { Machine } from '../../domain/types.js';
import type { Fence } from '../../store/fence.js';
import { Tenure } from './tenure.js';
import { machine, spec } from '../../../test/support/pool-tick.js';

const fence = (pool: string, token: number): Fence => ({ lease: `pool:${pool}`, holder: 'c-1', token });

function rig() {
  const fences = new Map<string, Fence>();
  const log: string[] = [];
  const rows: Record<string, Machine[]> = { web: [machine('m-1'), machine('m-2', { state: 'gone' })], db: [machine('m-3', { pool: 'db' })] };
  const tenure = new Tenure({
    ownership: { fence: (lease) => fences.get(lease), lost: (lease) => log.push(`lost ${lease}`) },
    store: { listMachines: (q) => Promise.resolve(rows[q?.pool ?? ''] ?? []), holdsLease: () => Promise.resolve(true) },
    log: pino({ level: 'silent' }),
    acquired: (pool, r) => (log.push(`acquired ${pool} ${r.map((m) => m.id).join(',')}`), r.length),
    released: (pool) => log.push(`released ${pool}`),
  });
  return { fences, log, tenure };
}

describe('tenure phase', () => {
  it('acts on the pools whose lease it holds, loading each on acquisition and again under a new token, and releasing those it lost', async () => {
    const { fences, log, tenure } = rig();
    const pools = [spec({ name: 'web' }), spec({ name: 'db' })];
    fences.set('pool:web', fence('web', 4));
    expect((await tenure.owned(pools)).map((p) => p.name)).toEqual(['web']);
    expect((await tenure.owned(pools)).map((p) => p.name)).toEqual(['web']);
    expect(tenure.owns('web')).toBe(true);
    expect(tenure.owns('db')).toBe(false);
    fences.set('pool:web', fence('web', 5));
    expect(tenure.owns('web')).toBe(false); // not loaded under token 5 yet
    fences.set('pool:db', fence('db', 1));
    await tenure.owned(pools);
    fences.delete('pool:web');
    await tenure.owned(pools);
    expect(log).toEqual(['acquired web m-1,m-2', 'acquired web m-1,m-2', 'acquired db m-3', 'released web']);
  });

  it('runs work only under a held lease, and quiesce waits for the work in flight', async () => {
    const { fences, tenure } = rig();
    expect(await tenure.run('web', () => Promise.resolve('done'))).toBeUndefined();
    fences.set('pool:web', fence('web', 1));
    let finish!: () => void;
    const work = tenure.run('web', () => new Promise<string>((r) => (finish = () => r('done'))));
    let quiet = false;
    const q = tenure.quiesce('web').then(() => (quiet = true));
    await Promise.resolve();
    expect(quiet).toBe(false);
    finish();
    expect(await work).toBe('done');
    await q;
    expect(quiet).toBe(true);
  });

  it('alone (no ownership), every pool is its own and nothing is fenced', async () => {
    const tenure = new Tenure({ store: { listMachines: () => Promise.resolve([]), holdsLease: () => Promise.resolve(false) }, log: pino({ level: 'silent' }), acquired: () => 0, released: () => undefined });
    expect((await tenure.owned([spec()])).map((p) => p.name)).toEqual(['web']);
    expect(tenure.owns('anything')).toBe(true);
    expect(await tenure.run('web', () => Promise.resolve(7))).toBe(7);
  });
});
