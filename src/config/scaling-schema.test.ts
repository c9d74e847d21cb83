import { describe, expect, it } from 'vitest';
import { demoConfigYaml } from './demo.js';
import { parseConfig } from './load.js';

const withScaling = (scaling: string) => `
providers:
  sim: { type: sim }
templates:
  small: { provider: sim, image: img, size: m5.large }
pools:
  web:
    template: small
    min: 0
    max: 10
    scaling:
${scaling.replace(/^/gm, '      ')}
`;

describe('pools.<name>.scaling in flotte.yaml', () => {
  it('the built-in demo autoscales analysis from the trace through target tracking on backlog', () => {
    const r = parseConfig(demoConfigYaml(), 'demo');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const scaling = r.applied.pools.find((p) => p.name === 'analysis')!.scaling!;
    expect(scaling.evaluationInterval).toBe(5);
    expect(scaling.stabilization).toEqual({ scaleIn: 60, scaleOut: 0 });
    expect(scaling.metrics.backlog).toMatchObject({ type: 'trace', curve: { kind: 'daily', periodSeconds: 1800 } });
    expect(scaling.policies).toEqual([{ type: 'target-tracking', metric: 'backlog', target: 100, aggregate: 'total', tolerance: 0.1 }]);
  });

  it('fills defaults: 10 s evaluations, 300 s scale-in window, no dry run', () => {
    const r = parseConfig(withScaling('metrics:\n  q: { type: redis, kind: list, key: jobs }\npolicies:\n  - { type: target-tracking, metric: q, target: 50 }'), 'f.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const s = r.applied.pools[0]!.scaling!;
    expect(s).toMatchObject({ evaluationInterval: 10, stabilization: { scaleIn: 300, scaleOut: 0 }, dryRun: false, warmup: 0 });
    expect(s.metrics.q).toEqual({ type: 'redis', url: 'redis://127.0.0.1:6379', kind: 'list', key: 'jobs' });
  });

  it('reports an undefined metric and a bad schedule at their lines', () => {
    const r = parseConfig(
      withScaling('metrics:\n  q: { type: rabbitmq, queue: jobs }\npolicies:\n  - { type: target-tracking, metric: backlog, target: 50 }\n  - { type: schedule, cron: "61 8 * * *", timezone: Europe/Paris, duration: 2h, min: 3 }'),
      'f.yaml',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.path])).toEqual([
      [15, "pools.web.scaling.policies[0].metric"],
      [16, "pools.web.scaling.policies[1].cron"],
    ]);
    expect(r.errors[0]!.message).toBe('metric "backlog" is not defined');
    expect(r.errors[0]!.hint).toBe('use one of q, or define it under scaling.metrics');
    expect(r.errors[1]!.message).toMatch(/^invalid schedule: /);
  });

  it('a redis stream without its consumer group is refused at its line, saying what to add', () => {
    const r = parseConfig(withScaling('metrics:\n  q: { type: redis, kind: stream, key: jobs }\npolicies:\n  - { type: target-tracking, metric: q, target: 50 }'), 'f.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.path, e.message, e.hint])).toEqual([[13, 'pools.web.scaling.metrics.q.group', 'a redis stream metric needs the consumer group whose backlog it reads', 'add group: <the consumer group your workers read with>']]);
  });

  it('a cron of four fields and an unknown time zone are errors, not guesses', () => {
    const four = parseConfig(withScaling('policies:\n  - { type: schedule, cron: "0 8 * *", duration: 1h, min: 3 }'), 'f.yaml');
    expect(!four.ok && four.errors[0]!.message).toBe('invalid schedule: "0 8 * *" has 4 fields, not 5 (minute hour day-of-month month day-of-week)');
    const tz = parseConfig(withScaling('policies:\n  - { type: schedule, cron: "0 8 * * 1-5", timezone: Mars/Olympus, duration: 1h, min: 3 }'), 'f.yaml');
    expect(!tz.ok && tz.errors[0]!.message).toBe('invalid schedule: unknown time zone "Mars/Olympus"');
  });

  it('durations read as seconds or with units', () => {
    const r = parseConfig(withScaling('evaluationInterval: 1s\nstabilization: { scaleIn: 5m }\ncooldowns: { scaleOut: 90 }\nmetrics:\n  q: { type: http-json, url: "http://127.0.0.1:9/x", path: "a.b[0]" }\npolicies:\n  - { type: step, metric: q, steps: [{ lower: 10, change: 2 }] }'), 'f.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.applied.pools[0]!.scaling).toMatchObject({ evaluationInterval: 1, stabilization: { scaleIn: 300 }, cooldowns: { scaleOut: 90, scaleIn: 0 } });
  });

  it('predictive scaling: forecast-only, lead auto and 14 days of history unless told', () => {
    const metrics = 'metrics:\n  q: { type: redis, kind: list, key: jobs }\npolicies:\n';
    const r = parseConfig(withScaling(`${metrics}  - { type: target-tracking, metric: q, target: 50, predictive: {} }\n  - { type: target-tracking, metric: q, target: 50, predictive: { mode: on, lead: 10m, history: 21d } }`), 'f.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const [a, b] = r.applied.pools[0]!.scaling!.policies;
    expect(a).toMatchObject({ predictive: { mode: 'forecast-only', lead: 'auto', history: 14 * 86_400 } });
    expect(b).toMatchObject({ predictive: { mode: 'on', lead: 600, history: 21 * 86_400 } });
  });

  it('predictive scaling on an average is refused at its line, with what to do', () => {
    const r = parseConfig(withScaling('metrics:\n  cpu: { type: agents, measure: cpu }\npolicies:\n  - { type: target-tracking, metric: cpu, target: 60, aggregate: average, predictive: { mode: on } }'), 'f.yaml');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.path])).toEqual([[15, 'pools.web.scaling.policies[0].predictive']]);
    expect(r.errors[0]!.message).toBe("predictive scaling forecasts a total, not the average cpu, which moves with the pool's own size");
    expect(r.errors[0]!.hint).toMatch(/aggregate: total/);
  });
});
