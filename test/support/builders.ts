import type { PoolSpec, Template } from '../../src/domain/types.js';
import type { AppliedConfig } from '../../src/store/store.js';

/**
 * The one place tests spell out flotte's shapes: a pool, a template, an applied config, a
 * flotte.yaml. A test names only what it is about and takes the rest from here, so a field
 * added to PoolSpec is added once.
 */
export const SIM_ZONES = ['sim-a', 'sim-b', 'sim-c'];

/** A pool on the sim: `analysis` of template `small`, empty, room for 2000 in the three sim zones. */
export function poolSpec(over: Partial<PoolSpec> = {}): PoolSpec {
  return { name: 'analysis', provider: 'sim', template: 'small', min: 0, max: 2000, desired: 0, zones: SIM_ZONES, labels: {}, maxLaunching: 2000, deletionOrder: 'oldest-first', ...over };
}

/** The template `small` those pools launch from. */
export function simTemplate(over: Partial<Omit<Template, 'version'>> = {}): Omit<Template, 'version'> {
  return { name: 'small', provider: 'sim', image: 'img-1', sizes: ['m5.large', 'm6i.large'], zones: SIM_ZONES, tags: {}, ...over };
}

/** What `flotte apply` would store: cluster `test`, one sim provider, template `small`, no pools unless given. */
export function appliedConfig(over: Partial<AppliedConfig> = {}): AppliedConfig {
  return { source: '# test', cluster: 'test', providers: { sim: { type: 'sim' } }, templates: [simTemplate()], pools: [], ...over };
}

type YamlValue = string | number | boolean | readonly YamlValue[] | { readonly [k: string]: YamlValue };

/** One value in YAML flow style, as the e2e files write them by hand: `{ min: 1, max: 2 }`, `[sim-a]`. */
function flow(v: YamlValue): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(', ')}]`;
  if (typeof v === 'object') return `{ ${Object.entries(v as Record<string, YamlValue>).map(([k, x]) => `${k}: ${flow(x)}`).join(', ')} }`;
  return String(v);
}

export interface FlotteYaml {
  cluster: string;
  /** Fields of the one sim provider after `type: sim`, in order. */
  sim?: Record<string, YamlValue>;
  /** Pools of template `small`: `min: 0` and the given fields, one per line. */
  pools?: Record<string, Record<string, YamlValue>>;
  /** YAML after the pools (or after the templates when there are none), e.g. an `environments:` section. */
  tail?: string;
  /** `block` (default): one field a line, after a blank first line; `flow`: one line per provider, template and pool. */
  style?: 'block' | 'flow';
}

/**
 * A flotte.yaml for `flotte up` e2e tests: the head they all share (one sim provider, template
 * `small` on img-1 / m5.large), the test's own sim fields and pools, block style as a person writes it.
 */
export function flotteYaml(o: FlotteYaml): string {
  if (o.style === 'flow') return flowYaml(o);
  const lines = ['', `cluster: ${o.cluster}`, 'providers:', '  sim:', '    type: sim'];
  for (const [k, v] of Object.entries(o.sim ?? {})) lines.push(`    ${k}: ${flow(v)}`);
  lines.push('templates:', '  small:', '    provider: sim', '    image: img-1', '    size: m5.large');
  if (o.pools) {
    lines.push('pools:');
    for (const [name, fields] of Object.entries(o.pools)) {
      lines.push(`  ${name}:`, '    template: small', '    min: 0');
      for (const [k, v] of Object.entries(fields)) lines.push(`    ${k}: ${flow(v)}`);
    }
  }
  return `${lines.join('\n')}\n${o.tail ?? ''}`;
}

/** The same document with each provider, template and pool on one line, as the CLI tests write it. */
function flowYaml(o: FlotteYaml): string {
  const lines = [`cluster: ${o.cluster}`, 'providers:', `  sim: ${flow({ type: 'sim', ...o.sim })}`, 'templates:', '  small: { provider: sim, image: img-1, size: m5.large }'];
  if (o.pools) {
    lines.push('pools:');
    for (const [name, fields] of Object.entries(o.pools)) lines.push(`  ${name}: ${flow({ template: 'small', min: 0, ...fields })}`);
  }
  return `${lines.join('\n')}\n${o.tail ?? ''}`;
}
