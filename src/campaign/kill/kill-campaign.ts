import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { realClock } from '../../clock/clock.js';
import { Random } from '../../domain/random.js';
import { loadState } from '../../providers/sim/sim-state.js';
import { openStore } from '../../store/open-store.js';
import { CLUSTER, ENV_TEMPLATE, killCampaignConfig, POOL_MAX, POOLS, WORK_KINDS, type WorkKind } from './fleet-config.js';
import { reconcileLedger, type Ledger } from './ledger.js';
import { alive, descendants, freePort, groupMembers, startFlotteUp, type UpProcess } from './up-process.js';
import type { EnvironmentList, EnvironmentView as EnvView, OperationList, OperationView as OpView, PoolList, PoolSummary as PoolView } from '../../api/contract/index.js';

export interface KillCampaignOptions {
  kills: number;
  seed: number;
  /** Longest wait into a piece of work before the kill (the wait is drawn from 0 to this). */
  maxDelayMs?: number | undefined;
  /** How long the fleet may take to settle after the last kill before what is unsettled counts as stuck. */
  settleTimeoutMs?: number | undefined;
  log?: ((line: string) => void) | undefined;
  /** Leave the data dir behind (its path is in the report) to look into a failure. */
  keepDir?: boolean | undefined;
}

/** An environment the campaign asked for, and the end it asked for: ready, or destroyed by its TTL. */
interface AskedEnv {
  name: string;
  expect: 'ready' | 'destroyed';
}

export interface KillCampaignReport {
  seed: number;
  kills: number;
  /** Kills per kind of work that was in flight (the last one started before the kill). */
  killsByWork: Record<WorkKind, number>;
  /** Work the API refused (a pool already under an operation, a bound): picked again, not killed into. */
  refused: Record<WorkKind, number>;
  /** Kill delay into the work, ms: smallest, median, largest. */
  delayMs: { min: number; median: number; max: number };
  ledger: Ledger;
  operations: Record<string, number>;
  /** Operations that did not succeed, with their reason. */
  unsuccessful: { id: string; kind: string; pool: string; status: string; message: string }[];
  environments: { asked: number; asExpected: number; wrong: string[] };
  /** Pools not at their desired size (every machine ready, none in any other state) once settled. */
  unconverged: string[];
  /** Processes `flotte up` started, seen over all kills, and any of them (or of its group) alive after a kill or the final stop. */
  childrenSeen: number;
  processesLeft: string[];
  startMs: { median: number; max: number };
  wallMs: number;
  /** Everything that breaks the campaign's promise; empty when it held. */
  problems: string[];
  dir: string;
}

const FINAL_OPS = new Set(['succeeded', 'failed', 'cancelled', 'rolled-back']);
const SHORT_TTL = '10s';

/**
 * Kills real `flotte up` processes with SIGKILL at seeded random moments of scale-outs, bulk
 * restarts, replaces and environment creates, restarting each time on the same data dir and
 * persisted sim cloud; then lets the fleet settle and checks, from the cloud's own state and
 * flotte's store, that nothing leaked, nothing was made twice and every piece of work ended.
 */
export class KillCampaign {
  private up: UpProcess | undefined;
  private readonly rng: Random;
  private readonly dir = mkdtempSync(join(tmpdir(), 'flotte-killcamp-'));
  private port = 0;
  private readonly askedEnvs: AskedEnv[] = [];
  private readonly children = new Set<number>();
  private readonly left: string[] = [];
  private readonly starts: number[] = [];
  private readonly log: (line: string) => void;

  constructor(private readonly o: KillCampaignOptions) {
    this.rng = new Random(o.seed);
    this.log = o.log ?? (() => {});
  }

  /** Kills whatever is running now, synchronously: for an interrupted or failed run. */
  stopAll(): void {
    const pid = this.up?.proc.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }

  async run(): Promise<KillCampaignReport> {
    const began = performance.now();
    const killsByWork = Object.fromEntries(WORK_KINDS.map((k) => [k, 0])) as Record<WorkKind, number>;
    const refused = Object.fromEntries(WORK_KINDS.map((k) => [k, 0])) as Record<WorkKind, number>;
    const delays: number[] = [];
    try {
      writeFileSync(join(this.dir, 'flotte.yaml'), killCampaignConfig(this.o.seed));
      this.port = await freePort();
      await this.start();
      await this.until('the first fleet ready', async () => (await this.pools()).every((p) => p.ready === p.desired), 120_000);

      for (let k = 1; k <= this.o.kills; k++) {
        let work: WorkKind | undefined;
        for (let attempt = 0; attempt < 4 && !work; attempt++) {
          const kind = WORK_KINDS[this.rng.int(WORK_KINDS.length)]!;
          const outcome = await this.begin(kind, k);
          if (outcome === true) work = kind;
          else {
            refused[kind]++;
            this.log(`kill ${k}: ${kind} refused: ${outcome}`);
          }
        }
        const delay = Math.round(this.rng.uniform(0, this.o.maxDelayMs ?? 3_000));
        delays.push(delay);
        await sleep(delay);
        if (work) killsByWork[work]++;
        await this.kill();
        this.log(`kill ${k}/${this.o.kills}: ${work ?? 'no work accepted'} +${delay} ms`);
        await this.start();
      }

      const settled = await this.settle();
      const [ops, envs, pools] = [settled.ops, settled.envs, settled.pools];
      await this.up!.stop();
      this.checkGroup('final stop');
      this.up = undefined;

      const store = await openStore(undefined, { dataDir: join(this.dir, '.flotte') });
      let ledger: Ledger;
      try {
        const [machines, intents, storedPools] = await Promise.all([store.listMachines({ includeGone: true }), store.listIntents(), store.listPools()]);
        ledger = reconcileLedger(loadState(join(this.dir, '.flotte/sim/sim.json'))!, CLUSTER, { machines, intents, pools: storedPools }, realClock.now());
      } finally {
        await store.close();
      }

      const operations: Record<string, number> = {};
      for (const op of ops) operations[op.status] = (operations[op.status] ?? 0) + 1;
      const unsuccessful = ops.filter((op) => op.status !== 'succeeded').map(({ id, kind, pool, status, message }) => ({ id, kind, pool, status, message }));
      const byName = new Map(envs.map((e) => [e.name, e]));
      const wrong = this.askedEnvs.filter((a) => byName.get(a.name)?.status !== a.expect).map((a) => `${a.name}: asked ${a.expect}, is ${byName.get(a.name)?.status ?? 'missing'}${byName.get(a.name)?.reason ? ` (${byName.get(a.name)!.reason})` : ''}`);
      const unconverged = pools.filter((p) => !converged(p)).map((p) => `${p.name}: desired ${p.desired}, ${JSON.stringify(nonZero(p.counts))}`);

      const problems = [
        ...ledger.leaked.map((m) => `leaked: ${m}`),
        ...ledger.doubled.map((m) => `doubled: ${m}`),
        ...ledger.aboveDesired.map((m) => `above desired: ${m}`),
        ...ledger.ghosts.map((m) => `ghost: ${m}`),
        ...ops.filter((op) => !FINAL_OPS.has(op.status)).map((op) => `operation ${op.id} (${op.kind} ${op.pool}) still ${op.status}: ${op.message}`),
        ...unsuccessful.filter((op) => FINAL_OPS.has(op.status) && !op.message.trim()).map((op) => `operation ${op.id} ${op.status} without a reason`),
        ...wrong.map((w) => `environment ${w}`),
        ...unconverged.map((p) => `unconverged: ${p}`),
        ...this.left.map((p) => `process left: ${p}`),
        ...settled.stuck,
      ];
      const sorted = [...delays].sort((a, b) => a - b);
      const startsSorted = [...this.starts].sort((a, b) => a - b);
      return {
        seed: this.o.seed,
        kills: this.o.kills,
        killsByWork,
        refused,
        delayMs: { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted.at(-1) ?? 0 },
        ledger,
        operations,
        unsuccessful,
        environments: { asked: this.askedEnvs.length, asExpected: this.askedEnvs.length - wrong.length, wrong },
        unconverged,
        childrenSeen: this.children.size,
        processesLeft: this.left,
        startMs: { median: startsSorted[Math.floor(startsSorted.length / 2)] ?? 0, max: startsSorted.at(-1) ?? 0 },
        wallMs: Math.round(performance.now() - began),
        problems,
        dir: this.dir,
      };
    } catch (err) {
      // The run failed: what it started must not outlive it, and the output says where it stood.
      this.stopAll();
      if (this.up) await this.up.kill();
      throw new Error(`kill campaign (seed ${this.o.seed}) failed: ${(err as Error).message}\n--- flotte up output (last 4000 chars) ---\n${this.up?.output().slice(-4000) ?? ''}`, { cause: err });
    } finally {
      this.up = undefined;
      if (!this.o.keepDir) rmSync(this.dir, { recursive: true, force: true });
    }
  }

  private async start(): Promise<void> {
    const t = performance.now();
    this.up = await startFlotteUp(this.dir, [], {}, { port: this.port, group: true });
    this.starts.push(Math.round(performance.now() - t));
  }

  /** SIGKILL of `flotte up`'s process group; anything it started that is still alive afterwards is a process left behind. */
  private async kill(): Promise<void> {
    const up = this.up!;
    const spawned = descendants(up.proc.pid!);
    for (const pid of spawned) this.children.add(pid);
    await up.kill();
    // Whatever left the group (a detached child) is not reached by the group kill: looked for by pid.
    await sleep(100);
    for (const pid of spawned) if (alive(pid)) this.left.push(`pid ${pid}, a child of the killed flotte up ${up.proc.pid}`);
    this.checkGroup(`kill of ${up.proc.pid}`);
  }

  private checkGroup(when: string): void {
    const pid = this.up!.proc.pid!;
    const members = groupMembers(pid);
    if (members.length) this.left.push(`after the ${when}: ${members.length} processes of group ${pid} (${members.join(' ')})`);
  }

  /** Starts one piece of work; true when the API took it, else the refusal. */
  private async begin(kind: WorkKind, k: number): Promise<true | string> {
    const pool = POOLS[this.rng.int(POOLS.length)]!;
    switch (kind) {
      case 'scale': {
        const { desired } = await this.api<PoolView>('GET', `/api/v1/pools/${pool}`);
        // Mostly out; a pool near its max comes back down so that later scale-outs have room.
        const to = desired + 12 <= POOL_MAX ? desired + 4 + this.rng.int(9) : 2 + this.rng.int(6);
        return this.accepted(await this.call('PUT', `/api/v1/pools/${pool}/desired`, { desired: to, allowDestroy: true }));
      }
      case 'restart':
      case 'replace':
        return this.accepted(await this.call('POST', '/api/v1/operations', { kind, pool, strategy: { kind: 'rolling', maxUnavailable: { percent: 50 } }, hard: false }));
      case 'env-create': {
        const expect = this.rng.next() < 0.4 ? 'destroyed' : 'ready';
        const name = `k${k}`;
        const res = await this.call('POST', '/api/v1/environments', { name, template: ENV_TEMPLATE, ttl: expect === 'destroyed' ? SHORT_TTL : '2h' });
        if (res.ok) this.askedEnvs.push({ name, expect });
        return this.accepted(res);
      }
    }
  }

  private async accepted(res: Response): Promise<true | string> {
    if (res.ok) return true;
    return `${res.status} ${(await res.text()).slice(0, 300)}`;
  }

  /** Waits for every operation to end, every environment to reach what was asked and every pool to converge. */
  private async settle(): Promise<{ ops: OpView[]; envs: EnvView[]; pools: PoolView[]; stuck: string[] }> {
    const look = async () => {
      const [ops, envs, pools] = await Promise.all([this.api<OperationList>('GET', '/api/v1/operations?limit=1000'), this.api<EnvironmentList>('GET', '/api/v1/environments?all=true&ended=true'), this.pools()]);
      const byName = new Map(envs.items.map((e) => [e.name, e]));
      const waiting = [
        ...ops.items.filter((op) => !FINAL_OPS.has(op.status)).map((op) => `operation ${op.id} (${op.kind} ${op.pool}) ${op.status}: ${op.message}`),
        ...this.askedEnvs.filter((a) => !['ready', 'destroyed', 'failed'].includes(byName.get(a.name)?.status ?? '') || (a.expect === 'destroyed' && byName.get(a.name)?.status === 'ready')).map((a) => `environment ${a.name} ${byName.get(a.name)?.status ?? 'missing'}`),
        ...pools.filter((p) => !converged(p)).map((p) => `pool ${p.name} desired ${p.desired}: ${JSON.stringify(nonZero(p.counts))}`),
      ];
      return { ops: ops.items, envs: envs.items, pools, waiting };
    };
    const deadline = realClock.now() + (this.o.settleTimeoutMs ?? 240_000);
    for (;;) {
      const now = await look();
      if (!now.waiting.length) return { ...now, stuck: [] };
      if (realClock.now() > deadline) return { ...now, stuck: now.waiting.map((w) => `stuck: ${w}`) };
      await sleep(1_000);
    }
  }

  private async pools(): Promise<PoolView[]> {
    return (await this.api<PoolList>('GET', '/api/v1/pools?limit=500')).items;
  }

  private async until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = realClock.now() + timeoutMs;
    while (!(await check().catch(() => false))) {
      if (realClock.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(250);
    }
  }

  private call(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.up!.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.up!.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  private async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.call(method, path, body);
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
}

function converged(p: PoolView): boolean {
  return p.ready === p.desired && Object.entries(p.counts).every(([state, n]) => state === 'ready' || state === 'gone' || n === 0);
}

function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([s, n]) => n > 0 && s !== 'gone'));
}

// Real processes run on the wall clock.
const sleep = (ms: number): Promise<void> => realClock.sleep(ms);
