import { stopIfDryRun } from './dry-run.js';
import { FaceError, type Ec2Face } from './face.js';
import { compileFilters, type Reader } from './filter-match.js';
import { EC2_ID_RE, ec2Id } from './ids.js';
import { filters, indices, list, type Params } from './query.js';
import { pager } from './snapshot-pages.js';
import type { XmlNode } from './xml.js';

/** EC2's per-resource tag limit and key/value lengths. */
export const TAGS_PER_RESOURCE = 50;
const KEY_MAX = 128;
const VALUE_MAX = 256;

type Resource = { kind: 'instance'; id: string; simId: string; tags: Record<string, string> } | { kind: 'subnet'; id: string; tags: Record<string, string> };

/** The instances and subnets the face can tag, by EC2 id; an instance is known while DescribeInstances shows it. */
function resources(face: Ec2Face): Map<string, Resource> {
  const out = new Map<string, Resource>();
  const now = face.clock.now();
  for (const m of face.sim.all()) {
    if (now >= m.launchedAt + face.sim.options.listDelayMs) out.set(ec2Id(m.id), { kind: 'instance', id: ec2Id(m.id), simId: m.id, tags: m.tags });
  }
  for (const id of Object.keys(face.subnets)) out.set(id, { kind: 'subnet', id, tags: { ...face.subnetTags.get(id) } });
  return out;
}

function resolve(known: Map<string, Resource>, id: string): Resource {
  const found = known.get(id);
  if (found) return found;
  if (id.startsWith('i-')) {
    if (!EC2_ID_RE.test(id)) throw new FaceError('InvalidInstanceID.Malformed', `Invalid id: "${id}"`);
    throw new FaceError('InvalidInstanceID.NotFound', `The instance ID '${id}' does not exist`);
  }
  if (id.startsWith('subnet-')) throw new FaceError('InvalidSubnetID.NotFound', `The subnet ID '${id}' does not exist`);
  throw new FaceError('InvalidID', `The ID '${id}' is not valid`);
}

/** CreateTags on instances and subnets: all resources or none, a key already set takes the new value. */
export function createTags(face: Ec2Face, p: Params): XmlNode {
  const ids = list(p, 'ResourceId');
  if (ids.length === 0) throw new FaceError('MissingParameter', 'The request must contain the parameter resourceIdSet');
  const tags: Record<string, string> = {};
  for (const i of indices(p, 'Tag')) {
    const key = p.get(`Tag.${i}.Key`);
    const value = p.get(`Tag.${i}.Value`) ?? '';
    if (key === undefined || key.length === 0) throw new FaceError('MissingParameter', `The request must contain the parameter Tag.${i}.Key`);
    if (key.length > KEY_MAX) throw new FaceError('InvalidParameterValue', `Tag key exceeds the maximum length of ${KEY_MAX} characters`);
    if (value.length > VALUE_MAX) throw new FaceError('InvalidParameterValue', `Tag value exceeds the maximum length of ${VALUE_MAX} characters`);
    if (key.startsWith('aws:')) throw new FaceError('InvalidParameterValue', `Tag keys starting with 'aws:' are reserved for internal use`);
    tags[key] = value;
  }
  if (Object.keys(tags).length === 0) throw new FaceError('MissingParameter', 'The request must contain the parameter tagSet');
  const known = resources(face);
  const targets = ids.map((id) => resolve(known, id));
  const over = targets.find((r) => Object.keys({ ...r.tags, ...tags }).length > TAGS_PER_RESOURCE);
  if (over) throw new FaceError('TagLimitExceeded', `The maximum number of Tags for a resource (${TAGS_PER_RESOURCE}) has been reached for '${over.id}'.`);
  stopIfDryRun(p);
  face.sim.tag(targets.flatMap((r) => (r.kind === 'instance' ? [r.simId] : [])), tags);
  for (const r of targets) if (r.kind === 'subnet') face.subnetTags.set(r.id, { ...face.subnetTags.get(r.id), ...tags });
  return { return: true };
}

interface TagRow {
  resourceId: string;
  resourceType: string;
  key: string;
  value: string;
  of: Record<string, string>;
}

const TAG_FILTERS: Record<string, Reader<TagRow>> = {
  key: (t) => t.key,
  value: (t) => t.value,
  'resource-id': (t) => t.resourceId,
  'resource-type': (t) => t.resourceType,
};

/** DescribeTags over instances and subnets, one row per tag, in resource then key order. */
export function describeTags(face: Ec2Face, p: Params): XmlNode {
  const keep = compileFilters(filters(p), TAG_FILTERS, (t) => t.of, true);
  const pages = pager(face, 'DescribeTags', p);
  stopIfDryRun(p);
  const { page, nextToken } = pages.take(() =>
    [...resources(face).values()]
      .flatMap((r) => Object.entries(r.tags).map(([key, value]): TagRow => ({ resourceId: r.id, resourceType: r.kind, key, value, of: r.tags })))
      .filter(keep)
      .sort((a, b) => (a.resourceId === b.resourceId ? (a.key < b.key ? -1 : 1) : a.resourceId < b.resourceId ? -1 : 1)),
  );
  return { tagSet: page.map((t) => ({ resourceId: t.resourceId, resourceType: t.resourceType, key: t.key, value: t.value })), nextToken };
}
