import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { realClock } from '../src/clock/clock.js';
import { parseConfig } from '../src/config/load.js';
import { ApiMetrics } from '../src/api/metrics.js';
import { decorateProvider } from '../src/compose/providers.js';
import { SimCloud } from '../src/providers/sim/index.js';
import { startController, type RunningController } from '../src/services/controller-service.js';
import { openStore } from '../src/store/open-store.js';
import { ROOT, tempDir } from './support/process.js';
import { fixture, FIXTURE_YAML, type Fixture } from './support/route-examples.js';
import { runTool, toolSuite } from './support/tools.js';

const PACK = join(ROOT, 'monitoring');
const RULES = join(PACK, 'flotte-alerts.yaml');
const RULE_TESTS = join(PACK, 'flotte-alerts.test.yaml');
const DASHBOARD = join(PACK, 'flotte-dashboard.json');

// What Grafana needs to draw the dashboard: checked on every panel, so a hand edit that breaks one fails here.
const target = z.object({ refId: z.string().min(1), expr: z.string().min(1), legendFormat: z.string().optional() });
const gridPos = z.object({ h: z.number().int().positive(), w: z.number().int().min(1).max(24), x: z.number().int().min(0).max(23), y: z.number().int().min(0) }).refine((g) => g.x + g.w <= 24, 'a panel must fit the 24-column grid');
const rowPanel = z.object({ id: z.number().int(), type: z.literal('row'), title: z.string().min(1), gridPos });
const drawPanel = z.object({
  id: z.number().int(),
  type: z.enum(['timeseries', 'stat', 'gauge', 'table', 'bargauge']),
  title: z.string().min(1),
  description: z.string().min(1),
  datasource: z.object({ type: z.literal('prometheus'), uid: z.literal('${datasource}') }),
  gridPos,
  targets: z.array(target).min(1),
});
const dashboardSchema = z.object({
  title: z.string().min(1),
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  schemaVersion: z.number().int().min(36),
  templating: z.object({ list: z.array(z.object({ name: z.string(), type: z.string() })) }),
  panels: z.array(z.union([rowPanel, drawPanel])).min(1),
});
type Dashboard = z.infer<typeof dashboardSchema>;

const dashboardText = readFileSync(DASHBOARD, 'utf8');
const exprsOf = (d: Dashboard): { panel: string; expr: string }[] => d.panels.flatMap((p) => ('targets' in p ? p.targets.map((t) => ({ panel: p.title, expr: t.expr })) : []));
/** Grafana's variables replaced the way Grafana would, so Prometheus's own parser can judge the query. */
const asPromql = (expr: string): string => expr.replaceAll('$__rate_interval', '5m').replaceAll('$pool', '.*');
const metricNames = (expr: string): string[] => [...new Set(expr.match(/\bflotte_[a-zA-Z0-9_]+/g) ?? [])];

it('the dashboard is valid JSON with every panel complete, ids unique and panels not overlapping', () => {
  const d = dashboardSchema.parse(JSON.parse(dashboardText));
  const ids = d.panels.map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  const cells = new Set<string>();
  for (const p of d.panels) {
    for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
      for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
        expect(cells.has(`${x},${y}`), `panel "${p.title}" overlaps another at ${x},${y}`).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  }
  expect(d.templating.list.map((v) => v.name)).toEqual(['datasource', 'pool']);
  expect(exprsOf(d).length).toBeGreaterThanOrEqual(15);
});

it('the dashboard rejects a panel without a query (the schema check bites)', () => {
  const d = JSON.parse(dashboardText) as { panels: { type: string; targets?: unknown[] }[] };
  d.panels.find((p) => p.type !== 'row')!.targets = [];
  expect(dashboardSchema.safeParse(d).success).toBe(false);
});

/** Series names a running flotte serves: the API's /metrics over a seeded fleet, and a controller's. */
describe('every metric the pack reads exists in flotte', () => {
  let fx: Fixture | undefined;
  let controller: RunningController | undefined;
  const served = new Set<string>();

  beforeAll(async () => {
    const metrics = new ApiMetrics();
    const provider = decorateProvider(new SimCloud({ zones: ['sim-a'] }, realClock), { clock: realClock, observe: metrics.observeProviderCall });
    await provider.list({ cluster: 'routes' });
    fx = await fixture({ providers: new Map([['sim', provider]]), metrics });
    await fetch(`${fx.base}/api/v1/pools`, { headers: await fx.as('viewer') });
    const apiText = await (await fetch(`${fx.base}/metrics`)).text();

    const dir = tempDir('flotte-monitoring-');
    const database = join(dir, 'state.db');
    const seed = await openStore(database);
    const parsed = parseConfig(FIXTURE_YAML, 'fixture');
    if (!parsed.ok) throw new Error('fixture must parse');
    await seed.applyConfig(parsed.applied, realClock.now());
    await seed.close();
    controller = await startController({ database, dataDir: dir, host: '127.0.0.1', port: 0, intervalMs: 200 });
    const controllerText = await (await fetch(`${controller.url}/metrics`)).text();

    for (const text of [apiText, controllerText]) {
      for (const line of text.split('\n')) {
        const name = line.startsWith('#') ? undefined : /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(line)?.[1];
        if (name) served.add(name);
      }
    }
  });
  afterAll(async () => {
    await fx?.close();
    await controller?.close();
  });

  it('in the dashboard, but for the pending ones', () => {
    const d = dashboardSchema.parse(JSON.parse(dashboardText));
    const missing = exprsOf(d).flatMap(({ panel, expr }) => metricNames(expr).filter((n) => !served.has(n)).map((n) => `${panel}: ${n}`));
    expect(missing).toEqual([]);
  });

  it('in the alerting rules', () => {
    const rules = parseYaml(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
    const used = rules.groups.flatMap((g) => g.rules.flatMap((r) => metricNames(r.expr).map((n) => ({ alert: r.alert, name: n }))));
    expect(used.filter((u) => !served.has(u.name))).toEqual([]);
  });
});

toolSuite('promtool', 'prometheus', 'the monitoring pack through promtool', () => {
  it('promtool check rules accepts the alerting rules', () => {
    const r = runTool('promtool', ['check', 'rules', RULES]);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
  });

  it('promtool test rules passes, with a case where each alert fires and one where it stays silent', () => {
    const r = runTool('promtool', ['test', 'rules', RULE_TESTS], PACK);
    expect(r.output).toContain('SUCCESS');
    expect(r.code).toBe(0);
    const alerts = (parseYaml(readFileSync(RULES, 'utf8')) as { groups: { rules: { alert: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.alert));
    const cases = (parseYaml(readFileSync(RULE_TESTS, 'utf8')) as { tests: { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }[] }).tests.flatMap((t) => t.alert_rule_test);
    for (const alert of alerts) {
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length > 0), `${alert} has no case where it fires`).toBe(true);
      expect(cases.some((c) => c.alertname === alert && c.exp_alerts.length === 0), `${alert} has no case where it stays silent`).toBe(true);
    }
  });

  it("every dashboard query parses as PromQL (each in a throwaway recording rule through promtool's parser)", () => {
    const d = dashboardSchema.parse(JSON.parse(dashboardText));
    const exprs = exprsOf(d);
    const file = join(tempDir('flotte-promql-'), 'dashboard-queries.yaml');
    const rules = exprs.map((e, i) => `      - record: flotte_dashboard_query_${i}\n        expr: ${JSON.stringify(asPromql(e.expr))}\n`).join('');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n${rules}`);
    const r = runTool('promtool', ['check', 'rules', file]);
    expect(r.output).toContain(`SUCCESS: ${exprs.length} rules found`);
    expect(r.code).toBe(0);
  });

  it('the same check refuses a query that does not parse (so it would catch a broken panel)', () => {
    const file = join(tempDir('flotte-promql-'), 'broken.yaml');
    writeFileSync(file, `groups:\n  - name: dashboard\n    rules:\n      - record: broken\n        expr: ${JSON.stringify('sum by (pool (flotte_machines)')}\n`);
    const r = runTool('promtool', ['check', 'rules', file]);
    expect(r.code).not.toBe(0);
  });
});
