import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { inCi } from './services.js';
import { freePort, tempDir, waitFor } from './process.js';

/** True when Debian's `prometheus` binary is on the PATH. */
export function hasPrometheus(): boolean {
  return spawnSync('prometheus', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Like serviceSuite: a loud skip off CI without the binary, a failure under CI=true. */
export function prometheusSuite(title: string, body: () => void): void {
  const up = hasPrometheus();
  if (!up && inCi()) {
    describe(title, () => it('needs the prometheus binary (apt-get install -y prometheus)', () => { throw new Error('prometheus not installed, and CI=true forbids skipping'); }));
    return;
  }
  if (!up) console.warn(`\n${'!'.repeat(72)}\n!!  SKIPPED: "${title}" — no prometheus binary (apt-get install -y prometheus)\n!!  (with CI=true this is a failure)\n${'!'.repeat(72)}\n`);
  describe.runIf(up)(title, body);
}

/** A tiny exporter: serves whatever gauges the test sets, in Prometheus's text format. */
export interface Exporter {
  port: number;
  set(name: string, labels: Record<string, string>, value: number): void;
  close(): Promise<void>;
}

export async function startExporter(): Promise<Exporter> {
  const gauges = new Map<string, number>();
  const server: Server = createServer((_req, res) => {
    res.setHeader('content-type', 'text/plain; version=0.0.4');
    res.end([...gauges].map(([k, v]) => `${k} ${v}`).join('\n') + '\n');
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    port,
    set(name, labels, value) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
      gauges.set(`${name}{${l}}`, value);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface PrometheusServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts a real Prometheus on a free loopback port, scraping `target` every second. */
export async function startPrometheus(target: string): Promise<PrometheusServer> {
  const dir = tempDir('flotte-prom-');
  const port = await freePort();
  const config = join(dir, 'prometheus.yml');
  writeFileSync(config, `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: exporter\n    static_configs:\n      - targets: ['${target}']\n`);
  const proc: ChildProcess = spawn('prometheus', [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr!.on('data', (d) => (log = (log + d).slice(-4000)));
  const exited = new Promise<void>((r) => proc.on('exit', () => r()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor('prometheus ready', async () => proc.exitCode === null && (await fetch(`${url}/-/ready`)).ok, 30_000);
  } catch (e) {
    proc.kill('SIGKILL');
    throw new Error(`${(e as Error).message}\n${log}`, { cause: e });
  }
  return {
    url,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}
