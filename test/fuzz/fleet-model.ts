import fc from 'fast-check';
import { stringify } from 'yaml';
import { nastyString } from './support.js';

// A model of flotte.yaml (src/config/schema.ts and its sections; each provider's in src/providers/<type>/registration.ts), kept small enough to read:
// every document it makes is valid, so the fuzz can break one thing at a time on purpose.

type Obj = Record<string, unknown>;

const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const zone = fc.constantFrom('zone-a', 'zone-b', 'zone-c', 'zone-d');
const zones = fc.uniqueArray(zone, { minLength: 1, maxLength: 4 });
const seconds = fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constantFrom('30s', '5m', '1h', '250ms', '1.5m'));
const envDuration = fc.constantFrom('90s', '30m', '8h', '2d', '1h30m');
const labelValue = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('team-a', 'é', '😀', 'a b'));

const simProvider = fc.record(
  {
    type: fc.constant('sim'),
    seed: fc.integer({ min: -1_000, max: 1_000 }),
    zones,
    bootSeconds: fc.integer({ min: 0, max: 30 }).map((min) => ({ min, max: min + 5 })),
    launchFailureRate: fc.double({ min: 0, max: 1, noNaN: true }),
    deathRatePerHour: fc.double({ min: 0, max: 10, noNaN: true }),
    persist: fc.boolean(),
    outages: fc.constant([{ from: '2026-12-06T09:00:00Z', to: '2026-12-06T11:00:00+01:30' }]),
    buckets: fc.constant({ launch: { capacity: 5, refillPerSecond: 0.5 } }),
  },
  { requiredKeys: ['type', 'zones'] },
);
const localProvider = fc.record({ type: fc.constant('local'), zones, bootSeconds: fc.integer({ min: 0, max: 5 }) }, { requiredKeys: ['type', 'zones'] });
const awsProvider = fc.record(
  { type: fc.constant('aws'), region: fc.constantFrom('eu-west-3', 'us-east-1'), zones, maxAttempts: fc.integer({ min: 1, max: 10 }), keyName: fc.constant('ops') },
  { requiredKeys: ['type', 'region', 'zones'] },
);

const health = fc.record(
  {
    heartbeatInterval: fc.integer({ min: 1, max: 30 }),
    heartbeatTimeout: fc.integer({ min: 1, max: 120 }),
    replacement: fc.constantFrom('launch-first', 'terminate-first'),
    maxReplacing: fc.integer({ min: 1, max: 10 }),
    brake: fc.record({ share: fc.double({ min: 0.01, max: 1, noNaN: true }), window: fc.integer({ min: 1, max: 3600 }) }),
    probe: fc.record({ kind: fc.constantFrom('http', 'tcp'), port: fc.integer({ min: 1, max: 65535 }), path: fc.constant('/healthz') }, { requiredKeys: ['kind'] }),
    preStop: fc.record({ command: fc.constant('systemctl stop worker'), timeout: fc.integer({ min: 1, max: 60 }) }),
  },
  { requiredKeys: [] },
);

const scaling = fc.oneof(
  fc.record({
    evaluationInterval: fc.oneof(fc.integer({ min: 1, max: 60 }), fc.constantFrom('5s', '1m')),
    stabilization: fc.record({ scaleIn: seconds, scaleOut: seconds }),
    metrics: fc.constant({ backlog: { type: 'trace', curve: { kind: 'daily', base: 10, peak: 60, peakHour: 14, periodSeconds: 1800, seed: 7 } } }),
    policies: fc.constant([{ type: 'target-tracking', metric: 'backlog', target: 10 }]),
  }),
  fc.record({
    policies: fc.constant([{ type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Europe/Paris', duration: '8h', min: 2 }]),
    maxStep: fc.record({ absolute: fc.integer({ min: 1, max: 10 }) }),
  }),
);

/** A valid fleet: every template names a provider, every pool a template, zones are subsets. */
export const validFleet: fc.Arbitrary<Obj> = fc
  .record({
    cluster: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    providers: fc.dictionary(name, fc.oneof(simProvider, localProvider, awsProvider), { minKeys: 1, maxKeys: 3 }),
    templateNames: fc.uniqueArray(name, { minLength: 1, maxLength: 4 }),
    poolNames: fc.uniqueArray(name, { minLength: 0, maxLength: 6 }),
    picks: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    sizes: fc.array(fc.constantFrom('m5.large', 'c5.xlarge', 'process', 'gpu.big'), { minLength: 1, maxLength: 3 }),
    counts: fc.array(fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)), { minLength: 6, maxLength: 6 }),
    labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_.-]{0,10}$/), labelValue, { maxKeys: 3 }),
    health: fc.option(health, { nil: undefined }),
    scaling: fc.option(scaling, { nil: undefined }),
    blastRadius: fc.option(fc.double({ min: 0.01, max: 1, noNaN: true }), { nil: undefined }),
    envs: fc.boolean(),
    retention: fc.option(fc.record({ events: fc.record({ maxAge: envDuration, maxRows: fc.integer({ min: 1_000, max: 1e6 }) }) }), { nil: undefined }),
  })
  .map((m) => {
    const pick = <T>(list: readonly T[], i: number): T => list[m.picks[i % m.picks.length]! % list.length]!;
    const providerNames = Object.keys(m.providers);
    const templates: Obj = {};
    m.templateNames.forEach((t, i) => {
      const provider = pick(providerNames, i);
      const pz = (m.providers[provider] as { zones: string[] }).zones;
      templates[t] = {
        provider,
        image: 'img-1',
        ...(i % 2 ? { size: m.sizes[0] } : { sizes: m.sizes }),
        ...(i % 3 === 1 ? { zones: pz.slice(0, 1) } : {}),
        ...(i % 3 === 2 ? { tags: { owner: 'ops' }, userData: '#cloud-config\n' } : {}),
      };
    });
    const pools: Obj = {};
    m.poolNames.forEach((p, i) => {
      const [a, b, c] = m.counts[i % m.counts.length]!;
      const [min, desired, max] = [a, b, c].sort((x, y) => x - y) as [number, number, number];
      pools[p] = {
        template: pick(m.templateNames, i + 7),
        min,
        max,
        ...(i % 2 ? { desired } : {}),
        ...(i === 0 ? { labels: m.labels, deletionOrder: 'newest-first', maxLaunching: 50 } : {}),
        ...(i === 0 && m.blastRadius !== undefined ? { blastRadius: m.blastRadius } : {}),
        ...(i === 1 && m.health ? { health: m.health } : {}),
        ...(i === 2 && m.scaling ? { scaling: m.scaling } : {}),
      };
    });
    const first = m.templateNames[0]!;
    return {
      cluster: m.cluster,
      providers: m.providers,
      templates,
      pools,
      ...(m.envs
        ? { environments: { templates: { dev: { roles: { app: { template: first, count: 2 } }, ttl: '2h', idle: { after: '15m', maxCpu: 0.5 } } }, sizes: { 'm5.large': { vcpus: 2, memoryGb: 8 } }, quotas: { user: { environments: 3 } } } }
        : {}),
      ...(m.retention ? { retention: m.retention } : {}),
    };
  });

/** Every path to a value in a document, with the value: where a mutation can land. */
export function leaves(doc: unknown, at: (string | number)[] = []): { path: (string | number)[]; value: unknown }[] {
  const here = { path: at, value: doc };
  if (Array.isArray(doc)) return [here, ...doc.flatMap((v, i) => leaves(v, [...at, i]))];
  if (doc !== null && typeof doc === 'object') return [here, ...Object.entries(doc).flatMap(([k, v]) => leaves(v, [...at, k]))];
  return [here];
}

/** A deep copy with the value at `path` replaced (or, with `remove`, deleted). */
export function setAt(doc: unknown, path: readonly (string | number)[], value: unknown, remove = false): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let node = copy;
  for (const s of path.slice(0, -1)) node = node[s] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
  return copy;
}

// Broken documents: one thing wrong on purpose, and where the error must point.

export const style = fc.record({ indent: fc.constantFrom(2, 4), flow: fc.boolean() });
export const render = (doc: unknown, s: { indent: number; flow: boolean }) => stringify(doc, { indent: s.indent, ...(s.flow ? { collectionStyle: 'flow' as const } : {}) });

/** Which fields take which out-of-range value (from the schemas' bounds). */
const OUT_OF_RANGE: Record<string, unknown> = {
  min: -1, max: -1, desired: -1, maxLaunching: 0, blastRadius: 1.5, launchFailureRate: 2, deathRatePerHour: -0.5,
  heartbeatInterval: 0, heartbeatTimeout: -3, port: 70_000, maxAttempts: 11, share: 0, count: 101, maxRows: 10,
  peakHour: 25, maxReplacing: 0, maxCpu: 1.01, target: 0, window: 0, absolute: 0, bootSeconds: -1,
};
const DURATIONS = new Set(['evaluationInterval', 'scaleIn', 'scaleOut', 'ttl', 'after', 'maxAge', 'duration']);
/** Free-form maps whose keys are data (labels, tags…): a stray key there is an entry, not a typo. */
const WRONG_TYPE = (v: unknown): unknown => (typeof v === 'number' ? 'lots' : typeof v === 'boolean' ? 'maybe' : typeof v === 'string' ? [1, 2] : v === null ? [] : 'text');

export type Mutation = { kind: string; doc: unknown; path: (string | number)[]; key?: string };

/** One thing broken on purpose in a valid document, and where the error must point. */
export const mutated: fc.Arbitrary<Mutation> = fc
  .tuple(validFleet, fc.nat(), fc.constantFrom('wrong-type', 'unknown-key', 'out-of-range', 'bad-duration', 'missing-field', 'bad-name'))
  .map(([doc, n, kind]): Mutation => {
    const all = leaves(doc).filter((l) => l.path.length > 0);
    const choose = <T>(list: T[]): T | undefined => (list.length ? list[n % list.length] : undefined);
    const last = (l: { path: (string | number)[] }) => l.path[l.path.length - 1];
    if (kind === 'unknown-key') {
      const maps = leaves(doc).filter((l) => l.value !== null && typeof l.value === 'object' && !Array.isArray(l.value));
      const at = choose(maps)!;
      return { kind, doc: setAt(doc, [...at.path, 'Bogus_Field'], [1]), path: [...at.path, 'Bogus_Field'], key: 'Bogus_Field' };
    }
    if (kind === 'out-of-range') {
      const at = choose(all.filter((l) => typeof l.value === 'number' && String(last(l)) in OUT_OF_RANGE));
      if (at) return { kind, doc: setAt(doc, at.path, OUT_OF_RANGE[String(last(at))]), path: at.path };
    }
    if (kind === 'bad-duration') {
      const at = choose(all.filter((l) => DURATIONS.has(String(last(l))) && (typeof l.value === 'string' || typeof l.value === 'number')));
      if (at) return { kind, doc: setAt(doc, at.path, '5 minutes'), path: at.path };
    }
    if (kind === 'missing-field') {
      // Required fields only: a schedule policy's min and max are optional.
      const required = (l: { path: (string | number)[] }) =>
        ['template', 'provider', 'type', 'image', 'policies', 'roles', 'command'].includes(String(last(l))) ||
        (['min', 'max'].includes(String(last(l))) && !l.path.includes('policies'));
      const at = choose(all.filter((l) => required(l) && l.path.length >= 3));
      if (at) return { kind, doc: setAt(doc, at.path, undefined, true), path: at.path };
    }
    if (kind === 'bad-name') {
      const at = choose(all.filter((l) => l.path.length === 2 && ['providers', 'templates', 'pools'].includes(String(l.path[0]))));
      if (at) {
        const bad = `Bad_${String(at.path[1])}`;
        const section = { ...(doc as Record<string, Record<string, unknown>>)[String(at.path[0])] };
        section[bad] = section[String(at.path[1])];
        delete section[String(at.path[1])];
        return { kind, doc: setAt(doc, [at.path[0]!], section), path: [at.path[0]!, bad], key: bad };
      }
    }
    const at = choose(all.filter((l) => l.value === null || typeof l.value !== 'object'))!;
    return { kind: 'wrong-type', doc: setAt(doc, at.path, WRONG_TYPE(at.value)), path: at.path };
  });

/** Text that is never a fleet: empty, not a map, broken YAML, bombs and towers. */
export const brokenText: fc.Arbitrary<{ kind: string; text: string }> = fc.oneof(
  fc.constantFrom('', '\n\n  \n', '# only a comment\n', '---\n', '...\n', '~\n', 'null\n').map((text) => ({ kind: 'empty', text })),
  fc.oneof(fc.integer(), fc.string({ maxLength: 30 }).filter((s) => s.trim() !== '' && !/[:#{}[\]&*!|>'"%@`,\-?]/.test(s)), fc.constant('[a, b]'), fc.constant('- a\n- b\n')).map((v) => ({ kind: 'not-a-map', text: String(v) })),
  fc.tuple(validFleet, style, fc.constantFrom('extra: [1, 2\n', 'cluster: x\n', 'pools: {a: 1\n', '"unclosed: 1\n', 'a:\n\t- tab\n', 'x: 1\n  y: 2\n', ': : :\n', 'key: value: other\n', '? [a, b\n')).map(([doc, s, tail]) => ({ kind: 'syntax', text: `${render(doc, s)}${tail}` })),
  fc.integer({ min: 100, max: 5_000 }).map((n) => ({ kind: 'deep', text: `pools: ${'['.repeat(n)}${']'.repeat(n)}\n` })),
  fc.integer({ min: 100, max: 5_000 }).map((n) => ({ kind: 'deep-map', text: `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')} 1\n` })),
  fc.constant({ kind: 'alias-bomb', text: `a: &a [x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`).join('\n')}\n` }),
  nastyString().map((s) => ({ kind: 'nasty', text: `cluster: ${JSON.stringify(s)}\npools: { ${JSON.stringify(s)}: 1 }\n` })),
);

