import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoConfigYaml } from './demo.js';
import { formatConfigError, loadConfigFile, parseConfig } from './load.js';
import type { ConfigError } from './load.js';
import { SIM_DEFAULTS } from './schema.js';

function errorsOf(text: string): ConfigError[] {
  const r = parseConfig(text, 'flotte.yaml');
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

/** `line:col path` for compact exact assertions. */
function where(errors: ConfigError[]): string[] {
  return errors.map((e) => `${e.line}:${e.col} ${e.path}`);
}

const base = `providers:
  sim:
    type: sim
templates:
  small:
    provider: sim
    image: ami-1
    size: m5.large
`;

describe('parseConfig', () => {
  it('reports all four problems of one file, each at its line and column', () => {
    const text = `cluster: demo
providers:
  sim:
    type: sim
    seed: seven
templates:
  small:
    provider: sim
    image: ami-1
    size: m5.large
    colour: blue
pools:
  analysis:
    template: small
    min: 10
    max: 5
  batch:
    template: large
    min: 0
    max: 3
`;
    const errors = errorsOf(text);
    expect(where(errors)).toEqual([
      '5:11 providers.sim.seed',
      '11:5 templates.small.colour',
      '15:10 pools.analysis.min',
      '18:15 pools.batch.template',
    ]);
    expect(errors[0]!.message).toBe('expected a number, got "seven"');
    expect(errors[1]!.message).toBe('unknown field "colour"');
    expect(errors[2]!.message).toBe('min (10) is greater than max (5)');
    expect(errors[2]!.hint).toBe('set min ≤ max');
    expect(errors[3]!.message).toBe('template "large" is not defined');
    expect(errors[3]!.hint).toContain('use one of: small');
  });

  it('formats an error as file:line:col: path: message (hint)', () => {
    const [e] = errorsOf(`${base}pools:\n  p:\n    template: small\n    min: 10\n    max: 5\n`);
    expect(formatConfigError(e!)).toBe('flotte.yaml:12:10: pools.p.min: min (10) is greater than max (5) (set min ≤ max)');
    expect(formatConfigError({ ...e!, path: '' })).toBe('flotte.yaml:12:10: min (10) is greater than max (5) (set min ≤ max)');
  });

  it('refuses a map or a list used as a key, at the key, without a warning on the terminal', () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      const errors = errorsOf('cluster: c\npools:\n  web:\n    template: t\n    labels:\n      ? [team, a]\n      : x\n  ? {b: 1}\n  : {}\n');
      expect(errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`)).toEqual(['6:9 pools.web.labels: a key must be plain text, not a map or a list', '8:5 pools: a key must be plain text, not a map or a list']);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('reports YAML syntax errors with their position', () => {
    const errors = errorsOf('pools:\n  a:\n    min: 1\n    min: 2\n');
    expect(where(errors)).toEqual(['4:5 ']);
    expect(errors[0]!.message).toMatch(/^YAML syntax: map keys must be unique/);
    expect(errors[0]!.hint).toBe('remove or rename one of the two');
    expect(errorsOf('pools:\n  a: [1, 2\nb: 3\n')[0]!.line).toBeGreaterThan(1);
  });

  it('points at the parent map for a missing field and at the key for an unknown one', () => {
    const errors = errorsOf(`${base}pools:\n  p:\n    template: small\n    min: 0\n    maxx: 3\n`);
    expect(where(errors)).toEqual(['11:5 pools.p.max', '13:5 pools.p.maxx']);
    expect(errors[0]!.message).toBe('max is missing');
    expect(errors[1]!.hint).toBe('did you mean "max"?');
  });

  it('reports desired outside [min, max]', () => {
    const errors = errorsOf(`${base}pools:\n  p:\n    template: small\n    min: 1\n    max: 5\n    desired: 9\n`);
    expect(where(errors)).toEqual(['14:14 pools.p.desired']);
    expect(errors[0]!.message).toBe('desired (9) is outside [min, max] = [1, 5]');
  });

  it('reports a template naming a missing provider', () => {
    const errors = errorsOf('providers:\n  sim:\n    type: sim\ntemplates:\n  t:\n    provider: aws\n    image: x\n    size: y\n');
    expect(where(errors)).toEqual(['6:15 templates.t.provider']);
    expect(errors[0]!.message).toBe('provider "aws" is not defined');
  });

  it('reports pool zones outside the template zones, defaulted from the provider', () => {
    const errors = errorsOf(`${base}pools:\n  p:\n    template: small\n    min: 0\n    max: 1\n    zones: [sim-a, sim-z]\n`);
    expect(where(errors)).toEqual(['14:20 pools.p.zones[1]']);
    expect(errors[0]!.message).toContain('zone "sim-z" is not one of template "small"\'s zones (sim-a, sim-b, sim-c)');
    const narrowed = errorsOf(`${base}    zones: [sim-a]\npools:\n  p:\n    template: small\n    min: 0\n    max: 1\n    zones: [sim-b]\n`);
    expect(where(narrowed)).toEqual(['15:13 pools.p.zones[0]']);
  });

  it('reports template zones the provider does not have', () => {
    const errors = errorsOf(`${base}    zones: [sim-q]\n`);
    expect(where(errors)).toEqual(['9:13 templates.small.zones[0]']);
  });

  it("takes a template's sshUser as given (no default stored), and refuses one no login could have", () => {
    const r = parseConfig(`${base}    sshUser: ec2-user\n`, 'f');
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect(r.applied.templates[0]!.sshUser).toBe('ec2-user');
    const ok = parseConfig(base, 'f');
    expect(ok.ok && 'sshUser' in ok.applied.templates[0]!).toBe(false);
    const bad = errorsOf(`${base}    sshUser: "root; rm -rf /"\n`);
    expect(bad.map(formatConfigError)).toEqual(['flotte.yaml:9:14: templates.small.sshUser: "root; rm -rf /" is not a login name (name the image\'s login, e.g. ubuntu or ec2-user: lowercase letters, digits, _ . and -)']);
  });

  it('reports size and sizes together or neither', () => {
    expect(where(errorsOf(`${base}    sizes: [a]\n`))).toEqual(['8:5 templates.small.size']);
    const none = errorsOf('providers:\n  sim:\n    type: sim\ntemplates:\n  t:\n    provider: sim\n    image: x\n');
    expect(where(none)).toEqual(['6:5 templates.t.sizes']);
  });

  it('reports an unknown provider type and a bad name', () => {
    const errors = errorsOf('providers:\n  sim:\n    type: gcp\n  Sim:\n    type: sim\n  other: {}\n');
    expect(where(errors)).toEqual(['3:11 providers.sim.type', '4:3 providers.Sim', '6:10 providers.other.type']);
    expect(errors[0]!.message).toBe('unknown type "gcp"');
    expect(errors[0]!.hint).toMatch(/^use one of: .*\bsim\b/);
    expect(errors[1]!.hint).toMatch(/^use lowercase letters/);
    expect(errors[2]!.message).toBe('type is missing');
  });

  it('applies defaults and normalizes into an AppliedConfig', () => {
    const r = parseConfig(`${base}pools:\n  p:\n    template: small\n    min: 2\n    max: 5\n`, 'f');
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect(r.config.cluster).toBe('flotte');
    const sim = r.config.providers.sim!;
    expect(sim).toMatchObject({ ...SIM_DEFAULTS, type: 'sim', zoneCapacity: {}, outages: [] });
    expect(r.applied.templates).toEqual([
      { name: 'small', provider: 'sim', image: 'ami-1', sizes: ['m5.large'], zones: ['sim-a', 'sim-b', 'sim-c'], tags: {} },
    ]);
    expect(r.applied.pools).toEqual([
      {
        name: 'p', provider: 'sim', template: 'small', min: 2, max: 5, desired: 2,
        zones: ['sim-a', 'sim-b', 'sim-c'], labels: {}, maxLaunching: 200, deletionOrder: 'oldest-first',
      },
    ]);
    expect(r.applied.source).toContain('m5.large');
  });

  it('turns outage times into epoch ms and checks their order', () => {
    const text = 'providers:\n  sim:\n    type: sim\n    outages:\n      - { from: "2025-01-01T00:00:00Z", to: 2025-01-01T01:00:00Z }\n';
    const r = parseConfig(text, 'f');
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect((r.config.providers.sim as { outages?: unknown }).outages).toEqual([{ from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 1, 1) }]);
    const bad = errorsOf('providers:\n  sim:\n    type: sim\n    outages:\n      - { from: "2025-01-01T01:00:00Z", to: yesterday }\n');
    expect(where(bad)).toEqual(['5:45 providers.sim.outages[0].to']);
  });

  it('parses the demo config', () => {
    const r = parseConfig(demoConfigYaml(), '<demo>');
    if (!r.ok) throw new Error(r.errors.map(formatConfigError).join('\n'));
    expect(r.config.cluster).toBe('demo');
    expect(r.config.providers.sim).toMatchObject({ seed: 7, bootSeconds: { min: 2, max: 6 }, rebootSeconds: { min: 3, max: 8 }, deathRatePerHour: 2, persist: true });
    expect(r.applied.pools.find((p) => p.name === 'analysis')).toMatchObject({ name: 'analysis', template: 'small', min: 0, max: 500, desired: 50 });
  });
});

describe('loadConfigFile', () => {
  it('reads a file and reports a missing one as a ConfigError', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flotte-config-'));
    const path = join(dir, 'flotte.yaml');
    await writeFile(path, demoConfigYaml());
    expect((await loadConfigFile(path)).ok).toBe(true);
    const missing = await loadConfigFile(join(dir, 'nope.yaml'));
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.errors[0]!.message).toBe('file not found');
  });
});

describe('positions of syntax errors (found by test/fuzz/flotte-yaml.test.ts)', () => {
  it('a stray indented line after a top-level flow map is placed on that line, not past the end of the one above', () => {
    const text = '{\n  cluster: a\n}\nx: 1\n  y: 2\n';
    const lines = text.split('\n');
    const errors = errorsOf(text);
    for (const e of errors) expect(e.col, formatConfigError(e)).toBeLessThanOrEqual(lines[e.line - 1]!.length + 1);
    expect(errors.map(formatConfigError)).toContain('flotte.yaml:5:4: YAML syntax: unexpected map-value-ind token in YAML stream: ":" (check the indentation and quoting around here)');
  });
});
