import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../src/api/app.js';
import type { DriftList } from '../src/api/contract/index.js';
import { issueToken } from '../src/api/tokens.js';
import { VirtualClock } from '../src/clock/virtual-clock.js';
import { parseConfig } from '../src/config/load.js';
import type { Operation } from '../src/domain/operations/types.js';
import { lifetimeDueAt } from '../src/domain/disruption/lifetime.js';
import { flotteYaml, SIM_ZONES } from './support/builders.js';
import { converged } from './support/harness.js';
import { opsHarness, type OpsHarness } from './support/ops.js';
import { runCli, tempDir } from './support/process.js';

// Drift, disruption budgets and maxLifetime, end to end on the sim and a virtual clock: the real
// `flotte` binary applies the file through the real API; the controller, the operation executor
// and the roll-outs run as `flotte up` runs them.

let h: OpsHarness | undefined;
let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  await h?.close();
  h = app = undefined;
});

interface Rig {
  o: OpsHarness;
  apply(yaml: string): Promise<void>;
  cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
}

async function rig(start: number): Promise<Rig> {
  const o = (h = await opsHarness({ pools: [], clock: new VirtualClock(start) }));
  app = await buildApp({ store: o.store, clock: o.clock, parseConfig });
  const server = await app.listen({ host: '127.0.0.1', port: 0 });
  const { secret } = await issueToken(o.store, { name: 'rollouts', role: 'admin', createdBy: 'test' }, o.clock.now());
  const dir = tempDir();
  const cli = (args: string[]) => runCli(args, { cwd: dir, server, env: { FLOTTE_TOKEN: secret } });
  return {
    o,
    cli,
    async apply(yaml) {
      writeFileSync(join(dir, 'flotte.yaml'), yaml);
      const r = await cli(['apply', '-f', 'flotte.yaml']);
      expect(r.code, r.stderr).toBe(0);
    },
  };
}

/** The fleet file: one pool `analysis` of the sim's `small` template (image img-1 unless replaced). */
const fleet = (pool: Record<string, unknown>, image = 'img-1', extra = '') =>
  flotteYaml({ cluster: 'test', sim: { zones: SIM_ZONES }, pools: { analysis: { max: 100, ...pool } } as never }).replace('image: img-1', `image: ${image}${extra}`);

const live = (o: OpsHarness) => o.store.listMachines({ pool: 'analysis' });
const rollouts = async (o: OpsHarness) => (await o.store.listOperations({ pool: 'analysis' })).filter((op) => op.origin);

describe('drift: a template change rolls out by itself', () => {
  it('an image change applied with `flotte apply` replaces every machine once, at most the budget out of service at any sample, as an operation in `flotte ops`', async () => {
    const r = await rig(Date.parse('2026-12-05T10:00:00Z'));
    const { o } = r;
    const pool = { desired: 20, rollout: { maxUnavailable: '50%' }, disruption: { budgets: [{ max: 3 }] } };
    await r.apply(fleet(pool));
    await o.tickUntil(() => converged(o.store, 20), { stepMs: 5_000 });
    const original = new Set((await live(o)).map((m) => m.id));

    // A new login name and a label make new versions that no running machine carries: nothing moves.
    await r.apply(fleet({ ...pool, labels: { team: 'core' } }, 'img-1', '\n    sshUser: debian'));
    for (let i = 0; i < 30; i++) await o.step(2_000);
    expect(await rollouts(o)).toEqual([]);
    expect(new Set((await live(o)).map((m) => m.id))).toEqual(original);

    await r.apply(fleet({ ...pool, labels: { team: 'core' } }, 'img-2', '\n    sshUser: debian'));
    const drift = await r.cli(['drift', 'analysis', '--json']);
    expect(drift.code, drift.stderr).toBe(0);
    const listed = JSON.parse(drift.stdout) as DriftList;
    expect(listed.machines).toHaveLength(20);
    expect(new Set(listed.machines.map((m) => m.reasons.join()))).toEqual(new Set(['image img-1 → img-2']));

    let peakInFlight = 0;
    let fewestReady = Infinity;
    let op: Operation | undefined;
    for (let i = 0; i < 400 && op?.status !== 'succeeded'; i++) {
      await o.step(2_000);
      op = (await rollouts(o))[0];
      if (!op) continue;
      const items = await o.store.listOperationItems(op.id);
      peakInFlight = Math.max(peakInFlight, items.filter((it) => it.status === 'in-progress').length);
      fewestReady = Math.min(fewestReady, (await live(o)).filter((m) => m.state === 'ready').length);
      expect(op.status).toMatch(/running|succeeded/);
    }
    expect(op?.status, op?.message).toBe('succeeded');
    expect(op).toMatchObject({ kind: 'replace', origin: 'drift' });
    expect(peakInFlight).toBe(3);
    // Launch first: an old machine serves until its replacement is ready, so none is ever missing.
    expect(fewestReady).toBeGreaterThanOrEqual(20);
    await o.tickUntil(() => converged(o.store, 20), { stepMs: 5_000 });

    const items = await o.store.listOperationItems(op!.id);
    expect(new Set(items.map((i) => i.machine))).toEqual(original);
    expect(items.every((i) => i.status === 'done' && i.replacement)).toBe(true);
    const now = await live(o);
    expect(now.some((m) => original.has(m.id))).toBe(false);
    // None twice: exactly one new machine per old one was launched, and all run the new image.
    const launched = o.sim.all().filter((m) => !original.has(m.id));
    expect(launched).toHaveLength(20);
    expect(launched.every((m) => m.image === 'img-2')).toBe(true);
    expect((await rollouts(o)).map((x) => x.id)).toEqual([op!.id]);

    const ops = await r.cli(['ops']);
    expect(ops.stdout).toMatch(new RegExp(`${op!.id}\\s+replace \\(drift\\)\\s+analysis\\s+succeeded`));
    const after = JSON.parse((await r.cli(['drift', '--json'])).stdout) as DriftList;
    expect(after.machines).toEqual([]);
    expect(after.pools[0]).toMatchObject({ pool: 'analysis', drifted: 0, operation: null });
  });
});

describe('drift: deaths during a roll-out', () => {
  it('a machine that dies while its roll-out replacement boots has that one successor: a later scale-out is not recorded as replacing it', async () => {
    const r = await rig(Date.parse('2026-12-05T10:00:00Z'));
    const { o } = r;
    await r.apply(fleet({ desired: 10 }));
    await o.tickUntil(() => converged(o.store, 10), { stepMs: 5_000 });
    await r.apply(fleet({ desired: 10 }, 'img-2'));
    let victim: { machine: string; replacement: string } | undefined;
    for (let i = 0; i < 60 && !victim; i++) {
      await o.step(1_000);
      const op = (await rollouts(o))[0];
      const booting = op && (await o.store.listOperationItems(op.id)).find((it) => it.status === 'in-progress' && it.replacement);
      if (booting) victim = { machine: booting.machine, replacement: booting.replacement! };
    }
    expect(victim, 'a replacement under way').toBeDefined();
    expect((await live(o)).find((m) => m.id === victim!.replacement)?.state).toMatch(/launching|booting/);
    o.sim.kill([victim!.machine]);
    const op = (await rollouts(o))[0]!;
    expect((await o.runOperation(op.id)).status).toBe('succeeded');

    // The trace (or a person) grows the pool afterwards: two new machines, replacing nothing.
    await r.apply(fleet({ desired: 12 }, 'img-2'));
    await o.tickUntil(() => converged(o.store, 12), { stepMs: 5_000 });
    const launched = (await o.store.listEvents()).filter((e) => e.reason === 'Launched');
    const successors = launched.filter((e) => e.data?.replaces === victim!.machine).map((e) => e.machine);
    expect(successors).toEqual([victim!.replacement]);
    const recorded = (await live(o)).flatMap((m) => (m.replaces ? [m.replaces] : []));
    expect(recorded.filter((id) => id === victim!.machine)).toHaveLength(1);
  });
});

// Monday 7 December 2026. Paris is UTC+1: its business hours 08:00–18:00 are 07:00–17:00 UTC.
const MONDAY = (hhmm: string) => Date.parse(`2026-12-07T${hhmm}:00Z`);
const businessHours = { max: 0, reasons: ['drift', 'lifetime'], schedule: '0 8 * * 1-5', duration: '10h', timezone: 'Europe/Paris' };

/** Steps `stepMs` at a time until the virtual clock reaches `until`. */
async function stepTo(o: OpsHarness, until: number, stepMs: number, each?: () => Promise<void>): Promise<void> {
  while (o.clock.now() < until) {
    await o.step(Math.min(stepMs, until - o.clock.now()));
    await each?.();
  }
}

/** When each replacement of a roll-out was first asked for (its launch intent went in). */
const startedAt = async (o: OpsHarness) => {
  const out: number[] = [];
  for (const op of await rollouts(o)) for (const i of await o.store.listOperationItems(op.id)) if (i.sentAt !== undefined && i.replacement !== undefined) out.push(i.sentAt);
  return out.sort((a, b) => a - b);
};

describe('disruption budgets with windows', () => {
  it('a budget of 0 in business hours holds a drift roll-out until 18:00 Paris to the second, while a dead machine is replaced at once', async () => {
    const r = await rig(MONDAY('06:30'));
    const { o } = r;
    const pool = { desired: 10, disruption: { budgets: [businessHours, { max: 2 }] } };
    await r.apply(fleet(pool));
    await o.tickUntil(() => converged(o.store, 10), { stepMs: 5_000 });
    await stepTo(o, MONDAY('07:30'), 60_000);

    await r.apply(fleet(pool, 'img-2'));
    await stepTo(o, MONDAY('07:31'), 5_000);
    const [op] = await rollouts(o);
    expect(op).toMatchObject({ origin: 'drift', status: 'running' });
    expect(op!.message).toContain('allows 0 machines');
    const [held] = await o.store.listConditions({ pool: 'analysis', type: 'DisruptionHeld' });
    expect(held).toMatchObject({ reason: 'BudgetHolding', until: MONDAY('17:00') });
    const drift = await r.cli(['drift', 'analysis']);
    expect(drift.stdout).toContain('held: drift roll-out');
    const explain = await r.cli(['explain', 'analysis']);
    expect(explain.stdout).toMatch(/Condition DisruptionHeld since .* until 2026-12-07T17:00:00.000Z: drift roll-out op-\w+ waits/);

    // 10:00: a machine dies. Healing is not voluntary: its replacement goes out at once.
    await stepTo(o, MONDAY('10:00'), 60_000);
    const victim = (await live(o)).find((m) => m.state === 'ready')!;
    o.sim.kill([victim.id]);
    await stepTo(o, MONDAY('10:02'), 5_000);
    const healed = (await live(o)).find((m) => m.replaces === victim.id);
    expect(healed, 'the dead machine was replaced').toBeDefined();
    expect(healed!.launchedAt).toBeLessThan(MONDAY('10:01'));

    await stepTo(o, MONDAY('16:59'), 60_000);
    expect(await startedAt(o)).toEqual([]);
    await stepTo(o, MONDAY('17:10'), 1_000);
    const started = await startedAt(o);
    expect(started[0]).toBeGreaterThanOrEqual(MONDAY('17:00'));
    expect(started[0]).toBeLessThan(MONDAY('17:00') + 3_000);
    expect(await o.store.listConditions({ pool: 'analysis', type: 'DisruptionHeld' })).toEqual([]);
    const reasons = (await o.store.listEvents()).map((e) => e.reason);
    expect(reasons).toContain('BudgetHolding');
    expect(reasons).toContain('BudgetReleased');

    await stepTo(o, MONDAY('17:30'), 5_000);
    expect((await rollouts(o))[0]!.status).toBe('succeeded');
    await o.tickUntil(() => converged(o.store, 10), { stepMs: 5_000 });
    // The dead machine had one successor (healing's), not two: 9 by the roll-out, 1 by healing.
    expect(o.sim.all().filter((m) => m.launchedAt > MONDAY('07:30'))).toHaveLength(9 + 1);
    expect(o.sim.all().filter((m) => m.status !== 'terminated' && m.status !== 'terminating').every((m) => m.image === 'img-2')).toBe(true);
  });
});

describe('maxLifetime', () => {
  it('replaces machines past their lifetime launch first, spread out, each once; a 0 window holds the next generation until it closes', async () => {
    const r = await rig(MONDAY('00:00'));
    const { o } = r;
    const pool = { desired: 12, maxLifetime: '4h', disruption: { budgets: [businessHours, { max: 2 }] } };
    await r.apply(fleet(pool));
    await o.tickUntil(() => converged(o.store, 12), { stepMs: 5_000 });
    const first = new Map((await live(o)).map((m) => [m.id, lifetimeDueAt(m, 4 * 3_600_000)]));
    let peak = 0;
    let fewestReady = Infinity;
    const sample = async () => {
      for (const op of await rollouts(o)) if (op.status === 'running') peak = Math.max(peak, (await o.store.listOperationItems(op.id)).filter((i) => i.status === 'in-progress').length);
      fewestReady = Math.min(fewestReady, (await live(o)).filter((m) => m.state === 'ready').length);
    };
    await stepTo(o, MONDAY('06:00'), 30_000, sample);

    const items = (await Promise.all((await rollouts(o)).map((op) => o.store.listOperationItems(op.id)))).flat();
    expect((await rollouts(o)).every((op) => op.origin === 'lifetime' && op.status === 'succeeded')).toBe(true);
    expect(items.map((i) => i.machine).sort()).toEqual([...first.keys()].sort());
    for (const i of items) expect(i.sentAt!, `${i.machine} replaced before it was due`).toBeGreaterThanOrEqual(first.get(i.machine)!);
    const starts = items.map((i) => i.sentAt!).sort((a, b) => a - b);
    expect(starts.at(-1)! - starts[0]!, 'one burst of launches').toBeGreaterThan(10 * 60_000);
    expect(peak).toBeLessThanOrEqual(2);
    expect(fewestReady).toBeGreaterThanOrEqual(12);
    expect((await live(o)).some((m) => first.has(m.id))).toBe(false);

    // The next generation falls due from about 07:15 UTC, inside Paris business hours: held until 17:00 UTC.
    const before = new Set(items.map((i) => i.machine));
    const secondStarts = async () => {
      const all = (await Promise.all((await rollouts(o)).map((op) => o.store.listOperationItems(op.id)))).flat();
      return all.filter((i) => !before.has(i.machine) && i.sentAt !== undefined).map((i) => i.sentAt!);
    };
    await stepTo(o, MONDAY('16:59'), 60_000);
    expect(await secondStarts()).toEqual([]);
    expect((await o.store.listConditions({ pool: 'analysis', type: 'DisruptionHeld' }))[0]).toMatchObject({ until: MONDAY('17:00') });
    await stepTo(o, MONDAY('17:05'), 1_000);
    const second = await secondStarts();
    expect(second.length).toBeGreaterThan(0);
    expect(Math.min(...second)).toBeGreaterThanOrEqual(MONDAY('17:00'));
    expect(Math.min(...second)).toBeLessThan(MONDAY('17:00') + 3_000);
  });
});
