import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { SimCloud, type SimCloudOptionsInput } from '../../src/providers/sim/index.js';
import { Ec2Face, serveEc2Face, type Ec2FaceOptions, type RunningFace } from '../../src/providers/sim/ec2-face/index.js';
import { AwsProvider } from '../../src/providers/aws/aws-provider.js';
import { ec2Client, type Ec2Api } from '../../src/providers/aws/ec2-api.js';
import type { AwsProviderOptions } from '../../src/providers/aws/options.js';

/** The aws provider, through the real SDK over HTTP, against the EC2 face of a sim on a virtual clock. */
export interface FaceRig {
  clock: VirtualClock;
  sim: SimCloud;
  face: Ec2Face;
  served: RunningFace;
  provider: AwsProvider;
  /** SDK calls in flight: virtual time must not move while a request is on the wire. */
  inFlight(): number;
  /** Resolves `work`, moving virtual time in `stepMs` steps only while no request is on the wire. */
  drive<T>(work: Promise<T>, stepMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Counts calls in flight on any Ec2Api: a decorator, the real adapter stays underneath. */
function counted(api: Ec2Api, counter: { n: number }): Ec2Api {
  const wrap = <A extends unknown[], R>(f: (...a: A) => Promise<R>) => async (...a: A): Promise<R> => {
    counter.n++;
    try {
      return await f(...a);
    } finally {
      counter.n--;
    }
  };
  return Object.fromEntries(Object.entries(api).map(([k, f]) => [k, wrap(f as (...a: unknown[]) => Promise<unknown>)])) as unknown as Ec2Api;
}

export async function faceRig(o: { sim?: SimCloudOptionsInput; face?: Ec2FaceOptions; provider?: Partial<AwsProviderOptions> } = {}): Promise<FaceRig> {
  const clock = new VirtualClock();
  const sim = new SimCloud({ zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'], ...o.sim }, clock);
  const face = new Ec2Face(sim, clock, o.face);
  const served = await serveEc2Face(face);
  const counter = { n: 0 };
  const options: AwsProviderOptions = {
    region: 'eu-west-1',
    endpoint: served.url,
    credentials: { accessKeyId: 'AKIDFACE', secretAccessKey: 'face' },
    // flotte's limiter retries on the virtual clock; the SDK's own retries would sleep in real time.
    maxAttempts: 1,
    subnets: Object.fromEntries(sim.options.zones.map((z) => [z, `subnet-${z}`])),
    ...o.provider,
  };
  const provider = new AwsProvider(counted(ec2Client(options), counter), options, clock);
  const rig: FaceRig = {
    clock,
    sim,
    face,
    served,
    provider,
    inFlight: () => counter.n,
    async drive(work, stepMs = 100) {
      let done = false;
      const settled = work.finally(() => (done = true));
      settled.catch(() => undefined);
      while (!done) {
        if (counter.n > 0) await new Promise<void>((r) => setImmediate(r));
        else await clock.advance(stepMs);
      }
      return settled;
    },
    close: () => served.close(),
  };
  return rig;
}
