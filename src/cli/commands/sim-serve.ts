import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { realClock } from '../../clock/clock.js';
import { SimCloud, type SimCloudOptionsInput } from '../../providers/sim/index.js';
import { Ec2Face, serveEc2Face } from '../../providers/sim/ec2-face/index.js';
import { println } from '../output.js';

export interface SimServeOptions {
  host: string;
  port: string;
  zones: string;
  state?: string;
  options?: string;
  latency: string;
  forgetClientToken?: boolean;
}

/**
 * `flotte sim serve`: a local EC2 endpoint (the EC2 Query API over a simulated cloud) to try
 * flotte's aws provider, or any EC2 client, without an AWS account. Any access keys work.
 */
export async function simServeCommand(opts: SimServeOptions): Promise<void> {
  const options = (opts.options ? JSON.parse(opts.options) : {}) as SimCloudOptionsInput;
  if (opts.state) mkdirSync(dirname(opts.state), { recursive: true });
  const zones = opts.zones.split(',').map((z) => z.trim()).filter(Boolean);
  const sim = new SimCloud({ zones, ...options, statePath: opts.state, ...(opts.forgetClientToken ? { forgetClientToken: true } : {}) }, realClock);
  const served = await serveEc2Face(new Ec2Face(sim, realClock, { latencyMs: Number(opts.latency) }), { host: opts.host, port: Number(opts.port) });
  println(`flotte sim serve: EC2 endpoint at ${served.url} (zones ${sim.options.zones.join(', ')}; subnets subnet-<zone>)`);
  println('point the aws provider at it:');
  println(`  providers:\n    ec2:\n      type: aws\n      region: ${zones[0]?.slice(0, -1) || 'eu-west-1'}\n      endpoint: ${served.url}\n      subnets: { ${sim.options.zones.map((z) => `${z}: subnet-${z}`).join(', ')} }`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
}
