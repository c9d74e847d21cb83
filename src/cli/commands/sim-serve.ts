import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { realClock } from '../../clock/clock.js';
import { SimCloud, type SimCloudOptionsInput } from '../../providers/sim/index.js';
import { AMI_ID_RE, DEFAULT_IMAGES, Ec2Face, serveEc2Face } from '../../providers/sim/ec2-face/index.js';
import { CliError } from '../client.js';
import { println } from '../output.js';

export interface SimServeOptions {
  host: string;
  port: string;
  zones: string;
  state?: string;
  options?: string;
  latency: string;
  images?: string;
  forgetClientToken?: boolean;
}

/** `--images`: ids EC2 would accept, or exit 2 naming the first that is not one. */
function parseImages(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const ids = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = ids.find((id) => !AMI_ID_RE.test(id));
  if (bad !== undefined) throw new CliError(`--images: "${bad}" is not an EC2 image id (ami- and 8 or 17 hex digits, e.g. ami-0123456789abcdef0)`, 2);
  if (ids.length === 0) throw new CliError('--images: give at least one image id (e.g. --images ami-0123456789abcdef0)', 2);
  return ids;
}

/**
 * `flotte sim serve`: a local EC2 endpoint (the EC2 Query API over a simulated cloud) to try
 * flotte's aws provider, or any EC2 client, without an AWS account. Any access keys work.
 */
export async function simServeCommand(opts: SimServeOptions): Promise<void> {
  const images = parseImages(opts.images);
  const options = (opts.options ? JSON.parse(opts.options) : {}) as SimCloudOptionsInput;
  if (opts.state) mkdirSync(dirname(opts.state), { recursive: true });
  const zones = opts.zones.split(',').map((z) => z.trim()).filter(Boolean);
  const sim = new SimCloud({ zones, ...options, statePath: opts.state, ...(opts.forgetClientToken ? { forgetClientToken: true } : {}) }, realClock);
  const served = await serveEc2Face(new Ec2Face(sim, realClock, { latencyMs: Number(opts.latency), images }), { host: opts.host, port: Number(opts.port) });
  println(`flotte sim serve: EC2 endpoint at ${served.url} (zones ${sim.options.zones.join(', ')}; subnets subnet-<zone>)`);
  println(`images: ${(images ?? DEFAULT_IMAGES).join(', ')} (others are InvalidAMIID.NotFound; --images to change)`);
  println('point the aws provider at it:');
  println(`  providers:\n    ec2:\n      type: aws\n      region: ${zones[0]?.slice(0, -1) || 'eu-west-1'}\n      endpoint: ${served.url}\n      subnets: { ${sim.options.zones.map((z) => `${z}: subnet-${z}`).join(', ')} }`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
}
