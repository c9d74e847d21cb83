import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/load.js';
import { openStore } from '../src/store/open-store.js';
import { tempDir, waitFor } from './support/process.js';
import { startService, type ServiceProcess } from './support/services-proc.js';

// A sim pool of three on a fast-booting sim: the controller launches at its first tick.
const CONFIG = 'cluster: metrics\nproviders:\n  sim: { type: sim, bootSeconds: { min: 0, max: 1 } }\ntemplates:\n  small: { provider: sim, image: img-1, size: m5.large }\npools:\n  web: { template: small, min: 0, max: 10, desired: 3 }\n';

/** The value of one series in Prometheus's text format, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let controller: ServiceProcess | undefined;
afterEach(async () => {
  await controller?.stop();
  controller = undefined;
});

describe('flotte controller exports provider-call metrics (a real process)', () => {
  it('its /metrics counts the calls it sent and their latency, as flotte up does', async () => {
    const dataDir = tempDir();
    const parsed = parseConfig(CONFIG, 'flotte.yaml');
    if (!parsed.ok) throw new Error('the config must parse');
    const store = await openStore(undefined, { dataDir });
    await store.applyConfig(parsed.applied, Date.now());
    await store.close();

    controller = await startService('controller', ['controller', '--data-dir', dataDir, '--interval', '200']);
    let text = '';
    await waitFor(
      'launch and list calls in /metrics',
      async () => {
        text = await (await fetch(`${controller!.url}/metrics`)).text();
        return (sample(text, 'flotte_provider_calls_total{provider="sim",action="launch"}') ?? 0) > 0 && (sample(text, 'flotte_provider_call_duration_seconds_count{provider="sim",method="list",outcome="ok"}') ?? 0) > 0;
      },
      60_000,
    );
    // The limiter's counters (read at scrape time) and the latency of each call that reached the cloud.
    for (const name of ['flotte_provider_calls_total', 'flotte_provider_throttles_total', 'flotte_provider_retries_total', 'flotte_provider_errors_total', 'flotte_provider_bucket_tokens', 'flotte_provider_call_duration_seconds']) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
    expect(sample(text, 'flotte_provider_call_duration_seconds_count{provider="sim",method="launch",outcome="ok"}')).toBeGreaterThan(0);
    // The controller's own figures are still there beside them.
    expect(sample(text, 'flotte_controller_ticks_total')).toBeGreaterThan(0);
    // And the statements its store sent: each tick reads, the launches were written.
    expect(sample(text, 'flotte_store_statements_total{dialect="sqlite",kind="select"}')).toBeGreaterThan(0);
    expect(sample(text, 'flotte_store_statements_total{dialect="sqlite",kind="insert"}')).toBeGreaterThan(0);
  });
});
