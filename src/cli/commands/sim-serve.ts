import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { realClock } from '../../clock/clock.js';
import { SimCloud, type SimCloudOptionsInput } from '../../providers/sim/index.js';
import { AMI_ID_RE, DEFAULT_IMAGES, Ec2Face } from '../../providers/sim/ec2-face/index.js';
import { serveSimFaces } from '../../providers/sim/serve/sim-server.js';
import { CliError } from '../client.js';
import { println } from '../output.js';

export type SimFaceChoice = 'flotte' | 'ec2' | 'both';

export interface SimServeOptions {
  face: string;
  host: string;
  port?: string | undefined;
  zones?: string | undefined;
  state?: string | undefined;
  options?: string | undefined;
  /** EC2 face: time each request waits before the cloud sees it. */
  requestLatency?: string | undefined;
  /** flotte face: time each mutating answer is held after the cloud acted. */
  answerDelay?: string | undefined;
  /** The old spelling of --request-latency (deprecated). */
  latency?: string | undefined;
  images?: string | undefined;
  forgetClientToken?: boolean | undefined;
  /** How it announces itself: `sim-server` keeps the alias's old first line. */
  banner?: 'sim-serve' | 'sim-server' | undefined;
}

/** Ports as before the merge: the EC2 face where LocalStack-minded users expect it, flotte's where sim-server was. */
const DEFAULT_PORT = { ec2: 4566, both: 4566, flotte: 7430 } as const;
const DEFAULT_EC2_ZONES = 'eu-west-1a,eu-west-1b,eu-west-1c';

function warn(line: string): void {
  process.stderr.write(`flotte: ${line}\n`);
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

/** Each flag means one thing; a flag for a face that is not served is refused rather than ignored. */
function checkFlags(opts: SimServeOptions): { face: SimFaceChoice; requestLatency: string | undefined } {
  const face = opts.face as SimFaceChoice;
  if (!['flotte', 'ec2', 'both'].includes(face)) throw new CliError(`--face: "${opts.face}" is not a face (flotte, ec2 or both)`, 2);
  let requestLatency = opts.requestLatency;
  if (opts.latency !== undefined) {
    warn('--latency is deprecated and goes in the next release: it is --request-latency (EC2 face: each request waits this long before the cloud acts); flotte\'s face holds its answers with --answer-delay');
    requestLatency ??= opts.latency;
  }
  if (face === 'flotte' && requestLatency !== undefined) throw new CliError('--request-latency (or --latency) is for the EC2 face; with --face flotte use --answer-delay', 2);
  if (face === 'flotte' && opts.images !== undefined) throw new CliError('--images is for the EC2 face; add --face ec2 or --face both', 2);
  if (face === 'ec2' && opts.answerDelay !== undefined) throw new CliError('--answer-delay is for flotte\'s face; add --face flotte or --face both', 2);
  return { face, requestLatency };
}

/**
 * `flotte sim serve`: one simulated cloud on one port, through its faces: EC2's Query API (the
 * default: the aws provider or any EC2 client, no AWS account, any keys) at `/`, and flotte's
 * own JSON (`server:` in a sim provider: several controller processes, HA tests) at its paths.
 * Both faces share one sim and one call log (GET /calls on flotte's face).
 */
export async function simServeCommand(opts: SimServeOptions): Promise<void> {
  const { face, requestLatency } = checkFlags(opts);
  const images = parseImages(opts.images);
  const options = (opts.options ? JSON.parse(opts.options) : {}) as SimCloudOptionsInput;
  if (opts.state) mkdirSync(dirname(opts.state), { recursive: true });
  const zonesText = opts.zones ?? (face === 'flotte' ? undefined : DEFAULT_EC2_ZONES);
  const zones = zonesText?.split(',').map((z) => z.trim()).filter(Boolean);
  const sim = new SimCloud({ ...(zones ? { zones } : {}), ...options, statePath: opts.state, ...(opts.forgetClientToken ? { forgetClientToken: true } : {}) }, realClock);
  const ec2 = face === 'flotte' ? undefined : new Ec2Face(sim, realClock, { latencyMs: Number(requestLatency ?? 0), images });
  const flotte = face === 'ec2' ? undefined : { answerDelayMs: Number(opts.answerDelay ?? 0) };
  const port = opts.port === undefined ? DEFAULT_PORT[face] : Number(opts.port);
  const served = await serveSimFaces(sim, { ec2, flotte }, { host: opts.host, port });
  const state = opts.state ? ` (state in ${opts.state})` : '';
  if (opts.banner === 'sim-server') println(`flotte sim-server at ${served.url}${state}`);
  else if (flotte) println(`flotte sim serve: flotte face at ${served.url}${state} (a sim provider's server:; GET /calls for the call log)`);
  if (ec2) {
    println(`flotte sim serve: EC2 endpoint at ${served.url} (zones ${sim.options.zones.join(', ')}; subnets subnet-<zone>)`);
    println(`images: ${(images ?? DEFAULT_IMAGES).join(', ')} (others are InvalidAMIID.NotFound; --images to change)`);
    println('point the aws provider at it:');
    println(`  providers:\n    ec2:\n      type: aws\n      region: ${sim.options.zones[0]?.slice(0, -1) || 'eu-west-1'}\n      endpoint: ${served.url}\n      subnets: { ${sim.options.zones.map((z) => `${z}: subnet-${z}`).join(', ')} }`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await served.close();
}
