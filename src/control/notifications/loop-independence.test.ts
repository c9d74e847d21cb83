import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { appliedConfig, poolSpec } from '../../../test/support/builders.js';
import { converged, harness, type Harness } from '../../../test/support/harness.js';
import { VirtualClock } from '../../clock/virtual-clock.js';
import { Notifier } from './notifier.js';

const NOW = Date.UTC(2026, 11, 7, 3, 0);
const HOUR = 3_600_000;
const log = pino({ level: 'silent' });

/** Ticks the controller to 8 ready machines, noting each tick's virtual duration and actions. */
async function tickToEight(env: Harness): Promise<Array<{ virtualMs: number; actions: number }>> {
  const ticks: Array<{ virtualMs: number; actions: number }> = [];
  while (!(await converged(env.store, 8))) {
    const t0 = env.clock.now();
    const report = await env.runTick();
    ticks.push({ virtualMs: env.clock.now() - t0, actions: report.actions });
    await env.clock.advance(5_000);
    if (ticks.length > 100) throw new Error('not converged');
  }
  return ticks;
}

describe('delivery never slows the control loop', () => {
  it('with a delivery hung on a receiver that never answers, ticks take the same virtual time and actions as with no notifications at all', async () => {
    // A receiver that takes the request and never answers.
    const held: Array<() => void> = [];
    const server: Server = createServer((req) => req.on('data', () => undefined).on('end', () => held.forEach((h) => h())));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const baseline = await harness({ clock: new VirtualClock(NOW), pools: [{ desired: 8 }] });
      const plain = await tickToEight(baseline);
      await baseline.close();

      const env = await harness({ clock: new VirtualClock(NOW), pools: [{ desired: 8 }] });
      const source = `# test\nnotifications:\n  subscriptions:\n    oncall:\n      url: ${url}\n      secretEnv: S\n      events: [HealingPaused]\n`;
      await env.store.applyConfig(appliedConfig({ source, pools: [poolSpec({ desired: 8 })] }), NOW);
      const notifier = new Notifier({ store: env.store, clock: env.clock, log, holder: 'ctl-a', env: { S: 'k' }, policy: { maxAttempts: 3, initialDelayMs: 1_000, maxDelayMs: HOUR, timeoutMs: HOUR } });
      await notifier.runOnce();
      await env.store.appendEvents([{ at: NOW, pool: 'analysis', reason: 'HealingPaused', message: 'brake tripped' }]);
      let settled = false;
      const arrived = new Promise<void>((r) => held.push(r));
      const inFlight = notifier.runOnce().finally(() => (settled = true));
      await arrived;

      const withHung = await tickToEight(env);
      // The delivery was in flight through every tick, and the ticks did exactly what they do without it.
      expect(settled).toBe(false);
      expect(withHung).toEqual(plain);
      expect(withHung.length).toBeGreaterThan(1);
      expect(withHung.reduce((a, t) => a + t.virtualMs, 0)).toBeLessThan(HOUR);

      await env.clock.advance(HOUR);
      expect((await inFlight).sent).toEqual([expect.objectContaining({ ok: false, error: `no answer within ${HOUR} ms` })]);
      await env.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('nothing on the tick path imports the notifier: only the composition root starts it, beside the loop', () => {
    const here = new URL('.', import.meta.url).pathname;
    const control = join(here, '..');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? (p === here.replace(/\/$/, '') ? [] : files(p)) : p.endsWith('.ts') ? [p] : [];
      });
    const importers = files(control).filter((f) => /from '[./]*notifications\//.test(readFileSync(f, 'utf8')));
    expect(importers).toEqual([]);
  });
});
