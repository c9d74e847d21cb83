import { randomUUID } from 'node:crypto';
import type { Clock } from '../../../clock/clock.js';
import { isProviderError } from '../../provider.js';
import type { SimCloud } from '../sim-cloud.js';
import { DEFAULT_IMAGES, DEFAULT_INSTANCE_TYPES } from './catalogue.js';
import { describeInstanceStatus, describeInstances } from './describe-actions.js';
import { httpStatusOf } from './ids.js';
import { instanceAction } from './instance-actions.js';
import { runInstances } from './launch-action.js';
import { describeAvailabilityZones, describeSubnets } from './network-actions.js';
import type { Params } from './query.js';
import { createTags, describeTags } from './tag-actions.js';
import { errorXml, responseXml, type XmlNode } from './xml.js';

/** An EC2 error the face answers with: code and message as EC2 words them. */
export class FaceError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

export interface Ec2FaceOptions {
  /** Subnet id → zone; default `subnet-<zone>` for each of the sim's zones. */
  subnets?: Record<string, string> | undefined;
  /** Launch templates by id or name: what RunInstances fills in when it names one. */
  launchTemplates?: Record<string, { imageId: string; instanceType?: string | undefined }> | undefined;
  /** Image ids RunInstances accepts; default DEFAULT_IMAGES. Others are InvalidAMIID.NotFound. */
  images?: readonly string[] | undefined;
  /** Instance types RunInstances accepts; default DEFAULT_INSTANCE_TYPES. Others are InvalidParameterValue. */
  instanceTypes?: readonly string[] | undefined;
  /** Time each request takes on the face's clock (a virtual clock must then be advanced for answers to come). */
  latencyMs?: number | undefined;
}

/** What the face remembers beside the sim: the EC2-only facts about each instance. */
export interface FaceInstance {
  reservationId: string;
  clientToken: string;
  subnetId?: string | undefined;
  spot: boolean;
  userData?: string | undefined;
}

export interface ScheduledEvent {
  code: 'instance-reboot' | 'system-reboot' | 'system-maintenance' | 'instance-retirement' | 'instance-stop';
  notBefore: number;
  description: string;
}

/**
 * The sim cloud as EC2 sees it: Query-protocol actions answered from a SimCloud, so its
 * throttling, outages, one-shot faults, zone capacity and list delay reach the SDK as EC2's
 * own errors and XML. Knobs (`impair`, `scheduleEvent`, `interrupt`) script what only EC2 has.
 */
export class Ec2Face {
  readonly instances = new Map<string, FaceInstance>();
  readonly tokens = new Map<string, { fingerprint: string; reservationId: string; simIds: string[] }>();
  readonly impaired = new Map<string, 'system' | 'instance'>();
  readonly events = new Map<string, ScheduledEvent>();
  /** Spot interruptions: sim id → when EC2 takes the instance back. */
  readonly interruptions = new Map<string, { noticeAt: number; at: number; action: 'terminate' | 'stop'; done?: boolean }>();
  /** Rebalance recommendations: sim id → when given. */
  readonly rebalance = new Map<string, number>();
  readonly pages = new Map<string, string[]>();
  readonly subnets: Record<string, string>;
  /** Tags set on subnets by CreateTags (instance tags live on the sim's machines). */
  readonly subnetTags = new Map<string, Record<string, string>>();
  /** What DescribeTags and DescribeSubnets still owe behind a NextToken, by token. */
  readonly snapshots = new Map<string, { action: string; rest: unknown[] }>();
  readonly images: ReadonlySet<string>;
  readonly instanceTypes: ReadonlySet<string>;
  /** Requests per action and HTTP status: what a test reports (throttled calls…). */
  readonly requests = new Map<string, Map<number, number>>();

  constructor(readonly sim: SimCloud, readonly clock: Clock, readonly options: Ec2FaceOptions = {}) {
    this.subnets = options.subnets ?? Object.fromEntries(sim.options.zones.map((z) => [`subnet-${z}`, z]));
    this.images = new Set(options.images ?? DEFAULT_IMAGES);
    this.instanceTypes = new Set(options.instanceTypes ?? DEFAULT_INSTANCE_TYPES);
  }

  /** Answers one Query request: HTTP status and XML body. */
  async handle(p: Params): Promise<{ status: number; xml: string }> {
    const requestId = randomUUID();
    const action = p.get('Action') ?? '';
    let out: { status: number; xml: string };
    try {
      if (this.options.latencyMs) await this.clock.sleep(this.options.latencyMs);
      this.reclaim();
      out = { status: 200, xml: responseXml(action, requestId, await this.dispatch(action, p)) };
    } catch (e) {
      const [code, message] = e instanceof FaceError ? [e.code, e.message] : isProviderError(e) ? [e.details.code ?? 'InternalError', e.message] : ['InternalError', String(e)];
      out = { status: httpStatusOf(code), xml: errorXml(code, message, requestId) };
    }
    const byStatus = this.requests.get(action) ?? new Map<number, number>();
    byStatus.set(out.status, (byStatus.get(out.status) ?? 0) + 1);
    this.requests.set(action, byStatus);
    return out;
  }

  /** Requests answered with `status`, over all actions or one. */
  count(status: number, action?: string): number {
    let n = 0;
    for (const [a, m] of this.requests) if (action === undefined || a === action) n += m.get(status) ?? 0;
    return n;
  }

  impair(simId: string, which: 'system' | 'instance' = 'system'): void {
    this.impaired.set(simId, which);
  }

  scheduleEvent(simId: string, event: ScheduledEvent): void {
    this.events.set(simId, event);
  }

  /** Issues a Spot interruption notice now; the instance is taken back `inMs` later (EC2: two minutes). */
  interrupt(simId: string, inMs = 120_000, action: 'terminate' | 'stop' = 'terminate'): void {
    const now = this.clock.now();
    this.interruptions.set(simId, { noticeAt: now, at: now + inMs, action });
  }

  recommendRebalance(simId: string): void {
    this.rebalance.set(simId, this.clock.now());
  }

  /** Takes back the Spot instances whose notice ran out: lazily, at the next request. */
  reclaim(): void {
    const now = this.clock.now();
    const due = [...this.interruptions].filter(([, i]) => !i.done && i.at <= now);
    for (const [, i] of due) i.done = true;
    if (due.length > 0) this.sim.kill(due.map(([id]) => id));
  }

  private async dispatch(action: string, p: Params): Promise<XmlNode> {
    const answer = ACTIONS[action];
    if (!answer) throw new FaceError('InvalidAction', `The action ${action} is not valid for this web service.`);
    return answer(this, p);
  }
}

const ACTIONS: Record<string, (face: Ec2Face, p: Params) => XmlNode | Promise<XmlNode>> = {
  RunInstances: runInstances,
  TerminateInstances: (face, p) => instanceAction(face, 'TerminateInstances', p),
  StopInstances: (face, p) => instanceAction(face, 'StopInstances', p),
  StartInstances: (face, p) => instanceAction(face, 'StartInstances', p),
  RebootInstances: (face, p) => instanceAction(face, 'RebootInstances', p),
  DescribeInstances: describeInstances,
  DescribeInstanceStatus: describeInstanceStatus,
  DescribeSubnets: describeSubnets,
  DescribeAvailabilityZones: describeAvailabilityZones,
  CreateTags: createTags,
  DescribeTags: describeTags,
};

/** Every action the face answers; anything else is InvalidAction. */
export const FACE_ACTIONS: readonly string[] = Object.keys(ACTIONS);
