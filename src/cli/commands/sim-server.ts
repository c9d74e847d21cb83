import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { realClock } from '../../clock/clock.js';
import { SimCloud, type SimCloudOptionsInput } from '../../providers/sim/index.js';
import { serveSim } from '../../providers/sim/serve/sim-server.js';
import { println } from '../output.js';

export interface SimServerOptions {
  host: string;
  port: string;
  state?: string;
  options?: string;
  latency: string;
}

/**
 * `flotte sim-server`: one simulated cloud for several processes (controllers on one host, HA
 * tests). Pools point at it with `server:` in their sim provider; `--options` takes the same
 * sim fields as flotte.yaml, as JSON.
 */
export async function simServerCommand(opts: SimServerOptions): Promise<void> {
  const options = (opts.options ? JSON.parse(opts.options) : {}) as SimCloudOptionsInput;
  if (opts.state) mkdirSync(dirname(opts.state), { recursive: true });
  const sim = new SimCloud({ ...options, statePath: opts.state }, realClock);
  const served = await serveSim(sim, opts.host, Number(opts.port), { latencyMs: Number(opts.latency) });
  println(`flotte sim-server at ${served.url}${opts.state ? ` (state in ${opts.state})` : ''}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
}
