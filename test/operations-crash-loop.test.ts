import { afterEach, describe, expect, it } from 'vitest';
import { converged } from './support/harness.js';
import { opsHarness, type OpsHarness } from './support/ops.js';

let h: OpsHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/**
 * A controller that keeps crashing (an OOM loop, a node that reboots) lives a few seconds each
 * time: shorter than the cloud's list grace (5 s on the sim), which a restarted controller waits
 * before it re-sends an open launch intent it cannot tell was sent just before the crash.
 */
describe('bulk operations under a crash loop (controller rebuilt from the store every 3 s)', () => {
  it('a replace still launches its new machines and completes, nothing launched twice', async () => {
    h = await opsHarness({ pools: [{ desired: 6 }] });
    await h.tickUntil(() => converged(h!.store, 6), { stepMs: 5_000 });
    const op = await h.start({ kind: 'replace', pool: 'analysis', strategy: { kind: 'all-at-once' } });
    let status = 'running';
    for (let life = 0; life < 20 && status === 'running'; life++) {
      await h.restart();
      for (let s = 0; s < 3; s++) await h.step(1_000);
      status = (await h.store.getOperation(op.id))!.status;
    }
    expect(status).toBe('succeeded');
    // The last old machine is retired by the steps after the end, as in a calm run.
    for (let s = 0; s < 5; s++) await h.step(5_000);
    // Six old machines retired, six new ones made once each.
    expect(h.sim.all()).toHaveLength(12);
    expect(h.sim.all().filter((m) => m.status !== 'terminated' && m.status !== 'terminating')).toHaveLength(6);
  });
});
