import { pino } from 'pino';
import { Controller, type TickReport } from '../../src/control/controller.js';
import { InterruptionInbox } from '../../src/control/interruptions.js';
import { Random } from '../../src/domain/random.js';
import type { PoolSpec } from '../../src/domain/types.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import type { RateLimitedProvider } from '../../src/providers/rate-limited.js';
import { decorateProvider } from '../../src/compose/providers.js';
import type { SimCloudOptionsInput } from '../../src/providers/sim/index.js';
import type { Ec2FaceOptions } from '../../src/providers/sim/ec2-face/index.js';
import type { AwsProviderOptions } from '../../src/providers/aws/options.js';
import { faceRig, type FaceRig } from './ec2-face-rig.js';

export const ZONES = ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'];
export const POOL = 'analysis';

/** A whole flotte (store, limiter, controller) on the aws provider, through the SDK and the EC2 face. */
export interface ControlRig extends FaceRig {
  limited: RateLimitedProvider;
  store: Store;
  controller: Controller;
  /** Where agents' Spot notices land (the test forwards what IMDS says). */
  inbox: InterruptionInbox;
  tick(): Promise<TickReport>;
  /** A new controller on the same store and provider: what a restarted process would build. */
  restart(): Promise<Controller>;
  /** Ticks, letting `stepMs` of virtual time pass between ticks, until `done`; returns ticks used. */
  tickUntil(done: () => Promise<boolean>, opts?: { maxTicks?: number; stepMs?: number }): Promise<number>;
  /** Live instances in the face carrying the pool's tag. */
  live(): { id: string; status: string; zone: string; size: string }[];
}

export async function controlRig(o: { sim?: SimCloudOptionsInput; face?: Ec2FaceOptions; provider?: Partial<AwsProviderOptions>; pool?: Partial<PoolSpec>; sizes?: string[] } = {}): Promise<ControlRig> {
  const rig = await faceRig({ sim: { zones: ZONES, bootSeconds: { min: 20, max: 40 }, ...o.sim }, face: o.face, provider: o.provider });
  const jitter = new Random(7);
  const limited = decorateProvider(rig.provider, { clock: rig.clock, random: () => jitter.next() });
  const store = await openStore(':memory:');
  await store.applyConfig(
    {
      source: '# aws acceptance',
      cluster: 'prod',
      providers: { aws: { type: 'aws', region: 'eu-west-1' } },
      templates: [{ name: 'analysis', provider: 'aws', image: 'ami-0123456789abcdef0', sizes: o.sizes ?? ['m5.large', 'm6i.large'], zones: ZONES, tags: {} }],
      pools: [{ name: POOL, provider: 'aws', template: 'analysis', min: 0, max: 2000, desired: 0, zones: ZONES, labels: {}, maxLaunching: 2000, deletionOrder: 'oldest-first' as const, ...o.pool }],
    },
    rig.clock.now(),
  );
  const inbox = new InterruptionInbox();
  const make = async () => {
    const c = new Controller({ store, providers: new Map([['aws', limited]]), clock: rig.clock, cluster: 'prod', log: pino({ level: 'silent' }), interruptions: inbox });
    await c.start();
    return c;
  };
  const controller = await make();
  const r: ControlRig = {
    ...rig,
    limited,
    store,
    controller,
    inbox,
    tick: () => rig.drive(r.controller.tick()),
    async restart() {
      r.controller = await make();
      return r.controller;
    },
    async tickUntil(done, { maxTicks = 200, stepMs = 5_000 } = {}) {
      for (let i = 1; i <= maxTicks; i++) {
        await r.tick();
        if (await done()) return i;
        await rig.clock.advance(stepMs);
      }
      throw new Error(`not converged after ${maxTicks} ticks`);
    },
    live: () => rig.sim.all().filter((m) => m.tags['flotte:pool'] === POOL && m.status !== 'terminated' && m.status !== 'terminating'),
    async close() {
      await rig.close();
      await store.close();
    },
  };
  return r;
}

/** Exactly `n` machines, all ready, and the cloud holds exactly those: nothing lost, nothing doubled. */
export async function convergedExactly(r: ControlRig, n: number): Promise<boolean> {
  const ms = await r.store.listMachines({ pool: POOL });
  const live = r.live();
  return ms.length === n && ms.every((m) => m.state === 'ready') && live.length === n && live.every((m) => m.status === 'running') && new Set(live.map((m) => m.id)).size === n;
}
