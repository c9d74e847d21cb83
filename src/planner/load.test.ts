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

  it('points a YAML syntax error at its place', () => {
    const r = parsePlan('seed: 1\nworkload: [\n', 'p.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: 'p.yaml', line: 3 });
  });
});
