import { randomUUID } from 'node:crypto';
import type { ProviderStatus } from '../../provider.js';
import type { SimMachine } from '../sim-machine.js';
import { FaceError, type Ec2Face } from './face.js';
import { EC2_ID_RE, ec2Id, ec2State } from './ids.js';
import { instanceXml } from './instance-xml.js';
import { stopIfDryRun } from './dry-run.js';
import { compileFilters, type Reader } from './filter-match.js';
import { subnetOf, VPC_ID } from './network-actions.js';
import { filters, int, list, type Params } from './query.js';
import type { XmlNode } from './xml.js';

type Seen = SimMachine & { status: ProviderStatus };
/** DescribeInstanceStatus takes at most this many ids. */
export const STATUS_IDS_PER_CALL = 100;

/** The reservation an instance was launched in; one the face did not launch gets one from its token. */
export function reservationOf(face: Ec2Face, m: Seen): string {
  return face.instances.get(m.id)?.reservationId ?? `r-${m.token.replace(/[^0-9a-f]/g, '').slice(0, 17)}`;
}

/** DescribeInstances' filters the face answers (tags are handled beside them); any other name is InvalidParameterValue. */
function instanceFilters(face: Ec2Face): Record<string, Reader<Seen>> {
  return {
    'instance-state-name': (m) => ec2State(m.status).name,
    'instance-state-code': (m) => String(ec2State(m.status).code),
    'instance-id': (m) => ec2Id(m.id),
    'availability-zone': (m) => m.zone,
    'instance-type': (m) => m.size,
    'image-id': (m) => m.image,
    'client-token': (m) => face.instances.get(m.id)?.clientToken ?? m.token,
    'reservation-id': (m) => reservationOf(face, m),
    'subnet-id': (m) => subnetOf(face, m),
    'vpc-id': (m) => (subnetOf(face, m) === undefined ? undefined : VPC_ID),
    'private-ip-address': (m) => (ec2State(m.status).name === 'terminated' ? undefined : m.address),
    'instance-lifecycle': (m) => (face.instances.get(m.id)?.spot ? 'spot' : undefined),
    'owner-id': () => '000000000000',
  };
}

/**
 * Instances DescribeInstances can see now: young ones stay hidden for the sim's list delay.
 * Shallow and read-only (`peek`): read to select ids, never answered (a page copies its own).
 */
function visible(face: Ec2Face): Seen[] {
  const now = face.clock.now();
  return face.sim.peek().filter((m) => now >= m.launchedAt + face.sim.options.listDelayMs);
}

/** One page of ids, the rest kept behind a NextToken; each page costs one describe request at the sim. */
function page(face: Ec2Face, p: Params, select: () => Seen[], ids: string[], maxDefault: number): { page: Seen[]; nextToken?: string } {
  const max = int(p, 'MaxResults');
  if (max !== undefined && ids.length > 0) throw new FaceError('InvalidParameterCombination', 'The parameter instancesSet cannot be used with the parameter maxResults');
  if (max !== undefined && !(max >= 5 && max <= 1000)) throw new FaceError('InvalidParameterValue', `Value (${max}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  const token = p.get('NextToken');
  const kept = token === undefined ? undefined : face.pages.get(token);
  if (token !== undefined && !kept) throw new FaceError('InvalidParameterValue', `The pagination token '${token}' is invalid`);
  const rest = kept ?? select().map((m) => m.id);
  // Every check is behind us: a dry run stops here, before a token is spent or a request charged.
  stopIfDryRun(p);
  if (token !== undefined) face.pages.delete(token);
  const size = max ?? maxDefault;
  // The page's machines as they are now, read by id: a page costs its size, not the cloud's.
  const taken = rest.slice(0, size).flatMap((id) => face.sim.machine(id) ?? []);
  face.sim.charge('list', { count: taken.length });
  if (rest.length <= size) return { page: taken };
  const next = randomUUID();
  face.pages.set(next, rest.slice(size));
  return { page: taken, nextToken: next };
}

function byIds(face: Ec2Face, ids: string[]): Seen[] {
  const bad = ids.find((id) => !EC2_ID_RE.test(id));
  if (bad) throw new FaceError('InvalidInstanceID.Malformed', `Invalid id: "${bad}"`);
  const seen = new Map(visible(face).map((m) => [ec2Id(m.id), m]));
  const unknown = ids.filter((id) => !seen.has(id));
  if (unknown.length > 0) throw new FaceError('InvalidInstanceID.NotFound', `The instance IDs '${unknown.join(', ')}' do not exist`);
  return ids.map((id) => seen.get(id)!);
}

export function describeInstances(face: Ec2Face, p: Params): XmlNode {
  const ids = list(p, 'InstanceId');
  const keep = compileFilters(filters(p), instanceFilters(face), (m) => m.tags);
  const select = () => (ids.length > 0 ? byIds(face, ids) : visible(face)).filter(keep);
  const { page: got, nextToken } = page(face, p, select, ids, Number.MAX_SAFE_INTEGER);
  const groups = new Map<string, Seen[]>();
  for (const m of got) {
    const r = reservationOf(face, m);
    groups.set(r, [...(groups.get(r) ?? []), m]);
  }
  return {
    reservationSet: [...groups].map(([reservationId, ms]) => ({ reservationId, ownerId: '000000000000', groupSet: [], instancesSet: ms.map((m) => instanceXml(face, m)) })),
    nextToken,
  };
}

/** An instance's status checks as EC2 reports them: none while not running, initializing during a reboot. */
function checks(face: Ec2Face, m: Seen): { system: string; instance: string } {
  const impaired = face.impaired.get(m.id);
  const check = (which: 'system' | 'instance') => (ec2State(m.status).name !== 'running' ? 'not-applicable' : m.status === 'rebooting' ? 'initializing' : impaired === which ? 'impaired' : 'ok');
  return { system: check('system'), instance: check('instance') };
}

const reachability = (status: string) => (status === 'impaired' ? 'failed' : status === 'ok' ? 'passed' : 'initializing');

function statusFilters(face: Ec2Face): Record<string, Reader<Seen>> {
  return {
    'availability-zone': (m) => m.zone,
    'instance-state-name': (m) => ec2State(m.status).name,
    'instance-state-code': (m) => String(ec2State(m.status).code),
    'instance-status.status': (m) => checks(face, m).instance,
    'instance-status.reachability': (m) => reachability(checks(face, m).instance),
    'system-status.status': (m) => checks(face, m).system,
    'system-status.reachability': (m) => reachability(checks(face, m).system),
    'event.code': (m) => face.events.get(m.id)?.code,
    'event.description': (m) => face.events.get(m.id)?.description,
  };
}

export function describeInstanceStatus(face: Ec2Face, p: Params): XmlNode {
  const ids = list(p, 'InstanceId');
  if (ids.length > STATUS_IDS_PER_CALL) throw new FaceError('InvalidParameterValue', `Too many instance ids: ${ids.length} (at most ${STATUS_IDS_PER_CALL})`);
  const all = p.get('IncludeAllInstances') === 'true';
  const keep = compileFilters(filters(p), statusFilters(face));
  const select = () => (ids.length > 0 ? byIds(face, ids) : visible(face)).filter((m) => (all || m.status === 'running' || m.status === 'rebooting') && keep(m));
  const { page: got, nextToken } = page(face, p, select, ids, 1000);
  return {
    instanceStatusSet: got.map((m) => {
      const c = checks(face, m);
      const check = (status: string) => ({ status, details: [{ name: 'reachability', status: reachability(status) }] });
      const ev = face.events.get(m.id);
      return {
        instanceId: ec2Id(m.id),
        availabilityZone: m.zone,
        eventsSet: ev ? [{ code: ev.code, description: ev.description, notBefore: new Date(ev.notBefore).toISOString() }] : undefined,
        instanceState: ec2State(m.status),
        systemStatus: check(c.system),
        instanceStatus: check(c.instance),
      };
    }),
    nextToken,
  };
}
