import { describe, expect, it } from 'vitest';
import { parsePlan } from './load.js';

const GOOD = `seed: 3
duration: 2h
workload:
  trace: { constant: 100 }
scenarios:
  - name: fixed
    provider: aws
    size: { name: m5.large, throughput: 10, pricePerHour: 0.1 }
    pool: { max: 20, initial: 12 }
`;

describe('parsePlan', () => {
  it('reads durations with units and fills defaults', () => {
    const r = parsePlan(GOOD, 'plan.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.plan.duration).toBe(7200);
    expect(r.plan.step).toBe(10);
    expect(r.plan.slo.queueDelay).toBe(300);
    expect(r.plan.scenarios[0]!.market).toEqual({ type: 'on-demand' });
  });

  it('reports every problem with its line and column', () => {
    const bad = GOOD.replace('throughput: 10', 'throughput: -1').replace('duration: 2h', 'duration: soon').replace('provider: aws', 'provider: aws\n    markt: { type: spot }');
    const r = parsePlan(bad, 'plan.yaml');
    if (r.ok) throw new Error('expected errors');
    expect(r.errors.map((e) => [e.line, e.col, e.path])).toEqual([
      [2, 11, 'duration'],
      [8, 5, 'scenarios[0].markt'],
      [9, 41, 'scenarios[0].size.throughput'],
    ]);
    expect(r.errors[1]!.hint).toContain('market');
  });

  it('refuses a list used as a key at the key, with the path of the map holding it', () => {
    const r = parsePlan(GOOD.replace('  trace: { constant: 100 }', '  trace: { constant: 100 }\n  ? [a, b]\n  : 1'), 'p.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => `${e.line}:${e.col} ${e.path}: ${e.message}`)).toEqual(['5:5 workload: a key must be plain text, not a map or a list']);
  });

  it('points a YAML syntax error at its place', () => {
    const r = parsePlan('seed: 1\nworkload: [\n', 'p.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: 'p.yaml', line: 3 });
  });
});

describe('positions of syntax errors (found by test/fuzz/plan-yaml.test.ts)', () => {
  it('a stray indented line after a top-level flow map is placed on that line, not past the end of the one above', () => {
    const text = '{\n  seed: 1\n}\nx: 1\n  y: 2\n';
    const parsed = parsePlan(text, 'plan.yaml');
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const lines = text.split('\n');
    for (const e of parsed.errors) expect(e.col, `${e.line}:${e.col} ${e.message}`).toBeLessThanOrEqual(lines[e.line - 1]!.length + 1);
    expect(parsed.errors.map((e) => `${e.line}:${e.col}`)).toContain('5:4');
  });
});
