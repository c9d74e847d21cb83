import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from '../../test/support/process.js';
import { prometheusSuite, startExporter, startPrometheus, type Exporter, type PrometheusServer } from '../../test/support/prometheus.js';
import { scalingRig, scalingSpec } from '../../test/support/scaling.js';
import { realClock } from '../clock/clock.js';
import { prometheusSource } from './prometheus.js';

const QUERY = 'sum(flotte_test_backlog)';

// Prometheus is a real process scraping in real time: this suite uses the wall clock.
prometheusSuite('autoscaling on a real Prometheus', () => {
  let exporter: Exporter;
  let prom: PrometheusServer;
  beforeAll(async () => {
    exporter = await startExporter();
    exporter.set('flotte_test_backlog', { queue: 'a' }, 2_000);
    exporter.set('flotte_test_backlog', { queue: 'b' }, 500);
    prom = await startPrometheus(`127.0.0.1:${exporter.port}`);
  }, 60_000);
  afterAll(async () => {
    await prom?.stop();
    await exporter?.close();
  });

  /** Waits until Prometheus has scraped `value` for the query. */
  const seen = (value: number) => {
    const source = prometheusSource(realClock, prom.url, QUERY);
    return waitFor(`prometheus to report ${value}`, async () => (await source.read()).value === value, 30_000);
  };

  it('the pool follows a PromQL expression out and back in', async () => {
    const rig = await scalingRig(scalingSpec({ type: 'prometheus', url: prom.url, query: QUERY }, { stabilization: { scaleIn: 0, scaleOut: 0 } }), { max: 200 }, realClock);
    try {
      const follow = async (total: number) => {
        await seen(total);
        const d = await rig.autoscaler.evaluate((await rig.store.getPool('analysis'))!);
        expect(d.inputs[0]!.value).toBe(total);
        // The sample's time is Prometheus's own evaluation time, not ours.
        expect(Math.abs(d.inputs[0]!.at! - Date.now())).toBeLessThan(5_000);
        return rig.desired();
      };
      expect(await follow(2_500)).toBe(25);
      exporter.set('flotte_test_backlog', { queue: 'b' }, 5_000);
      expect(await follow(7_000)).toBe(70);
      exporter.set('flotte_test_backlog', { queue: 'a' }, 100);
      exporter.set('flotte_test_backlog', { queue: 'b' }, 200);
      expect(await follow(300)).toBe(3);
      expect(rig.wakes()).toBe(3);
    } finally {
      await rig.close();
    }
  }, 90_000);

  it('a query with no series is missing data: the pool holds instead of draining', async () => {
    const rig = await scalingRig(scalingSpec({ type: 'prometheus', url: prom.url, query: 'sum(no_such_metric) by (queue)' }), { desired: 12 }, realClock);
    try {
      const d = await rig.autoscaler.evaluate((await rig.store.getPool('analysis'))!);
      expect(d.desired).toBe(12);
      expect(d.held).toMatch(/returned no series/);
      const events = await rig.store.listEvents({ pool: 'analysis' });
      expect(events.map((e) => e.reason)).toContain('ScalingHeld');
    } finally {
      await rig.close();
    }
  });
});
