import { performance } from 'node:perf_hooks';
import { freshBuild } from '../bin/fresh-build.js';
import { killAgents, localBase, localDir, startLocal } from '../test/support/local.js';
import { getJson, runCli, waitFor } from '../test/support/process.js';
import { ensureBuilt, type Bench, type BenchResult } from './harness.js';

const CONFIG = `${localBase('envbench')}environments:
  templates:
    stack:
      warm: 1
      roles:
        web: { template: agent }
        db: { template: agent }
        worker: { template: agent }
      outputs:
        web: "{{roles.web.addresses}}"
`;

interface EnvItem { owner: string; status: string }

/**
 * `flotte env create` from a warmed 3-role template on local (real agent processes): the
 * whole CLI command as a user runs it (process start included, from the built dist/), and the
 * API round trip alone. Then how long the warm pool takes to refill.
 */
export const envsBench: Bench = async () => {
  ensureBuilt();
  const dir = localDir(CONFIG);
  const up = await startLocal(dir);
  try {
    const warmReady = async () => (await getJson<{ items: EnvItem[] }>(`${up.url}/api/v1/environments?all=true`)).items.some((e) => e.owner === '(warm)' && e.status === 'ready');
    await waitFor('a warm environment', warmReady, 120_000);
    // The built CLI, as installed users run it, even if someone edited a source since this build.
    const cli = freshBuild() ? 'dist' : 'dist (a source changed since the build)';
    const t0 = performance.now();
    const r = await runCli(['env', 'create', 'bench-1', '--template', 'stack', '--json'], { cwd: dir, server: up.url, env: { FLOTTE_CLI: 'dist' } });
    const cliMs = performance.now() - t0;
    const created = JSON.parse(r.stdout) as { status: string; id: string };
    const t1 = performance.now();
    await waitFor('the warm pool refilled', warmReady, 120_000);
    const refillMs = performance.now() - t1;
    // A second claim, timed at the API alone (no CLI process start).
    const t2 = performance.now();
    const res = await fetch(`${up.url}/api/v1/environments`, { method: 'POST', headers: { authorization: `Bearer ${up.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench-2', template: 'stack' }) });
    const apiMs = performance.now() - t2;
    const second = (await res.json()) as { status: string };
    const results: BenchResult[] = [
      { name: 'env create (whole CLI command) from a warmed 3-role template on local', value: cliMs, unit: 'ms', target: { op: '<', value: 1000 }, detail: { status: created.status, exit: r.code, cli } },
      { name: 'env create (API) from a warmed 3-role template on local', value: apiMs, unit: 'ms', target: { op: '<', value: 1000 }, detail: { status: second.status } },
      { name: 'warm pool refill after a claim (3 agents) on local', value: refillMs, unit: 'ms', detail: {} },
    ];
    return results;
  } finally {
    await up.stop();
    await killAgents(dir);
  }
};
