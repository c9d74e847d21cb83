import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { OpenStackAdmin, openrc, openstackService } from '../test/support/openstack.js';
import { getJson, runCli, startUp, tempDir, waitFor } from '../test/support/process.js';
import { ensureBuilt, median, type Bench, type BenchResult } from './harness.js';

const run = promisify(execFile);
const RUNS = 3;
const ROLES = ['db', 'queue', 'app'] as const;

/**
 * A 3-role environment on the real OpenStack (../shared/openstack-dev), cold and from the warm
 * pool, each as the whole `flotte env create` command, beside the cloud's own client making the
 * same 3 servers (`openstack server create --wait`, one per role, side by side as flotte makes
 * them). Nova's fake driver boots no guest, so the figures are the control planes' own times.
 * Skipped, and said so, when no OpenStack answers.
 */
export const envsOpenStackBench: Bench = async () => {
  if (!(await openstackService().probe())) {
    process.stderr.write('envs-openstack: no OpenStack control plane answers (start ../shared/openstack-dev/start.sh): skipped\n');
    return [];
  }
  ensureBuilt();
  const env = Object.fromEntries(Object.entries(openrc('openrc.demo')).filter((e): e is [string, string] => e[1] !== undefined));
  const admin = new OpenStackAdmin();
  const cluster = `osbench-${randomUUID().slice(0, 8)}`;
  const dir = tempDir();
  const roles = ROLES.map((r) => `        ${r}: { template: tiny }`).join('\n');
  writeFileSync(
    join(dir, 'flotte.yaml'),
    `cluster: ${cluster}
providers:
  private: { type: openstack, network: private }
templates:
  tiny: { provider: private, image: cirros, size: m1.tiny }
pools: {}
environments:
  templates:
    cold:
      roles:
${roles}
    warm:
      warm: 1
      roles:
${roles}
`,
  );
  const up = await startUp(dir, [], env);
  // The built CLI, as installed users run it.
  const cli = (args: string[]) => runCli(args, { cwd: dir, server: up.url, env: { ...env, FLOTTE_CLI: 'dist' } });
  const timed = async (args: string[]) => {
    const t = performance.now();
    const r = await cli(args);
    if (r.code !== 0) throw new Error(`flotte ${args.join(' ')}: ${r.stderr}`);
    return { ms: performance.now() - t, id: (JSON.parse(r.stdout) as { id: string }).id };
  };
  const cold: number[] = [];
  const warm: number[] = [];
  const native: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const c = await timed(['env', 'create', `cold-${i}`, '--template', 'cold', '--json']);
      cold.push(c.ms);
      await waitFor('a warm environment', async () => (await getJson<{ items: { owner: string; status: string; template: string }[] }>(`${up.url}/api/v1/environments?all=true`)).items.some((e) => e.owner === '(warm)' && e.template === 'warm' && e.status === 'ready'), 300_000);
      const w = await timed(['env', 'create', `warm-${i}`, '--template', 'warm', '--json']);
      warm.push(w.ms);
      for (const id of [c.id, w.id]) await cli(['env', 'destroy', id, '--yes']);

      const t = performance.now();
      const names = ROLES.map((r) => `${cluster}-native-${i}-${r}`);
      await Promise.all(names.map((name) => run('openstack', ['server', 'create', '--flavor', 'm1.tiny', '--image', 'cirros', '--network', 'private', '--property', `flotte:cluster=${cluster}`, '--wait', name], { env: { ...process.env, ...env } })));
      native.push(performance.now() - t);
      await Promise.all(names.map((name) => run('openstack', ['server', 'delete', '--wait', name], { env: { ...process.env, ...env } })));
    }
  } finally {
    await up.stop();
    await admin.purge(cluster).catch(() => undefined);
  }
  const base = median(native);
  const detail = (xs: number[]) => ({ runs: xs.map(Math.round), ratioToOpenstackCli: +(median(xs) / base).toFixed(2) });
  const results: BenchResult[] = [
    { name: '3-role environment on OpenStack, cold (flotte env create, whole command)', value: median(cold), unit: 'ms', detail: detail(cold) },
    { name: '3-role environment on OpenStack, from the warm pool (flotte env create, whole command)', value: median(warm), unit: 'ms', target: { op: '<', value: 2000 }, detail: detail(warm) },
    { name: 'the same 3 servers by `openstack server create --wait` (side by side)', value: base, unit: 'ms', detail: { runs: native.map(Math.round) } },
  ];
  return results;
};
