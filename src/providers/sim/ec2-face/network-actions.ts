import { stopIfDryRun } from './dry-run.js';
import { FaceError, type Ec2Face } from './face.js';
import { compileFilters, type Reader } from './filter-match.js';
import { filters, list, type Params } from './query.js';
import { pager } from './snapshot-pages.js';
import type { XmlNode } from './xml.js';

/**
 * The network the face pretends to sit in: one VPC, the sim's zones as availability zones, and
 * the face's subnets (`subnet-<zone>` unless configured). Zone i gets 10.i.0.0/16, the block the
 * sim draws its machines' addresses from.
 */
export const VPC_ID = 'vpc-0f10773000000000a';
const OWNER_ID = '000000000000';

/** `eu-west-1a` → `eu-west-1`; a zone not named like EC2's (`sim-a`) → its name without the last part. */
export function regionOf(zone: string): string {
  return /^([a-z]+-[a-z]+-\d+)[a-z]$/.exec(zone)?.[1] ?? (zone.replace(/-?[^-]*$/, '') || zone);
}

/** EC2's account-independent zone id: `euw1-az2` for the second zone of eu-west-1. */
export function zoneIdOf(face: Ec2Face, zone: string): string {
  const short = regionOf(zone).split('-').map((part, i, all) => (i === 0 || i === all.length - 1 ? part : part[0])).join('');
  return `${short}-az${face.sim.options.zones.indexOf(zone) + 1}`;
}

/** The subnet EC2 would pick in `zone` when a launch names none: the zone's first. */
export function defaultSubnetOf(face: Ec2Face, zone: string): string | undefined {
  return Object.entries(face.subnets).find(([, z]) => z === zone)?.[0];
}

/** The subnet an instance sits in: the one its launch named, else its zone's default. */
export function subnetOf(face: Ec2Face, m: { id: string; zone: string }): string | undefined {
  return face.instances.get(m.id)?.subnetId ?? defaultSubnetOf(face, m.zone);
}

interface Zone {
  name: string;
  id: string;
  region: string;
}

const ZONE_FILTERS: Record<string, Reader<Zone>> = {
  'zone-name': (z) => z.name,
  'zone-id': (z) => z.id,
  'region-name': (z) => z.region,
  'group-name': (z) => z.region,
  state: () => 'available',
  'opt-in-status': () => 'opt-in-not-required',
  'zone-type': () => 'availability-zone',
  message: () => undefined,
  'parent-zone-name': () => undefined,
  'parent-zone-id': () => undefined,
};

export function describeAvailabilityZones(face: Ec2Face, p: Params): XmlNode {
  const zones: Zone[] = face.sim.options.zones.map((name) => ({ name, id: zoneIdOf(face, name), region: regionOf(name) }));
  const names = list(p, 'ZoneName');
  const ids = list(p, 'ZoneId');
  const unknown = [...names.filter((n) => !zones.some((z) => z.name === n)), ...ids.filter((i) => !zones.some((z) => z.id === i))];
  if (unknown.length > 0) throw new FaceError('InvalidParameterValue', `The zone '${unknown[0]}' does not exist.`);
  const keep = compileFilters(filters(p), ZONE_FILTERS);
  stopIfDryRun(p);
  const picked = zones.filter((z) => (names.length === 0 && ids.length === 0) || names.includes(z.name) || ids.includes(z.id));
  return {
    availabilityZoneInfo: picked.filter(keep).map((z) => ({
      zoneName: z.name,
      zoneState: 'available',
      regionName: z.region,
      messageSet: [],
      optInStatus: 'opt-in-not-required',
      zoneId: z.id,
      groupName: z.region,
      networkBorderGroup: z.region,
      zoneType: 'availability-zone',
    })),
  };
}

interface Subnet {
  id: string;
  zone: string;
  zoneId: string;
  cidr: string;
  free: number;
  isDefault: boolean;
  tags: Record<string, string>;
}

const subnetArn = (face: Ec2Face, s: Subnet) => `arn:aws:ec2:${regionOf(s.zone)}:${OWNER_ID}:subnet/${s.id}`;

export function describeSubnets(face: Ec2Face, p: Params): XmlNode {
  const ids = list(p, 'SubnetId');
  const unknown = ids.filter((id) => !(id in face.subnets));
  if (unknown.length > 0) {
    throw new FaceError('InvalidSubnetID.NotFound', unknown.length === 1 ? `The subnet ID '${unknown[0]}' does not exist` : `The subnet IDs '${unknown.join(', ')}' do not exist`);
  }
  const readers: Record<string, Reader<Subnet>> = {
    'subnet-id': (s) => s.id,
    'availability-zone': (s) => s.zone,
    'availability-zone-id': (s) => s.zoneId,
    'cidr-block': (s) => s.cidr,
    cidr: (s) => s.cidr,
    cidrBlock: (s) => s.cidr,
    'available-ip-address-count': (s) => String(s.free),
    'default-for-az': (s) => String(s.isDefault),
    defaultForAz: (s) => String(s.isDefault),
    'map-public-ip-on-launch': () => 'false',
    'owner-id': () => OWNER_ID,
    state: () => 'available',
    'subnet-arn': (s) => subnetArn(face, s),
    'vpc-id': () => VPC_ID,
  };
  const keep = compileFilters(filters(p), readers, (s) => s.tags);
  const pages = pager(face, 'DescribeSubnets', p);
  stopIfDryRun(p);
  const { page, nextToken } = pages.take(() => subnets(face).filter((s) => (ids.length === 0 || ids.includes(s.id)) && keep(s)));
  return {
    subnetSet: page.map((s) => ({
      subnetId: s.id,
      subnetArn: subnetArn(face, s),
      state: 'available',
      ownerId: OWNER_ID,
      vpcId: VPC_ID,
      cidrBlock: s.cidr,
      ipv6CidrBlockAssociationSet: [],
      availableIpAddressCount: s.free,
      availabilityZone: s.zone,
      availabilityZoneId: s.zoneId,
      defaultForAz: s.isDefault,
      mapPublicIpOnLaunch: false,
      assignIpv6AddressOnCreation: false,
      tagSet: Object.keys(s.tags).length > 0 ? Object.entries(s.tags).map(([key, value]) => ({ key, value })) : undefined,
    })),
    nextToken,
  };
}

/** Every subnet with what it holds now: free addresses count its live instances. */
function subnets(face: Ec2Face): Subnet[] {
  const live = new Map<string, number>();
  for (const m of face.sim.all()) {
    const subnet = subnetOf(face, m);
    if (m.status !== 'terminated' && subnet !== undefined) live.set(subnet, (live.get(subnet) ?? 0) + 1);
  }
  return Object.entries(face.subnets).map(([id, zone]) => ({
    id,
    zone,
    zoneId: zoneIdOf(face, zone),
    cidr: `10.${face.sim.options.zones.indexOf(zone) & 255}.0.0/16`,
    // AWS keeps five addresses of every subnet for itself.
    free: 65_536 - 5 - (live.get(id) ?? 0),
    isDefault: defaultSubnetOf(face, zone) === id,
    tags: { ...face.subnetTags.get(id) },
  }));
}
