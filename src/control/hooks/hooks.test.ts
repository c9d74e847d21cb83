import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { converged, harness, simLive, type Harness } from '../../../test/support/harness.js';
import type { LifecycleHook, PoolHooks } from '../../domain/hooks.js';
import type { FleetEvent } from '../../domain/types.js';

const SECRET = 'hook-key-1';

/** A receiver's check, as docs/lifecycle-hooks.md tells it (written here, not imported: the test checks the sender). */
const signedBy = (key: string, req: IncomingMessage, body: string): boolean => {
  const ts = String(req.headers['x-flotte-timestamp']);
  return req.headers['x-flotte-signature'] === `sha256=${createHmac('sha256', key).update(`${ts}.${body}`).digest('hex')}`;
};

/** A receiver on a real port: each hook's answer is scripted by its path; every request is kept. */
class Receiver {
  readonly requests: { path: string; delivery: string; kind: string; body: Record<string, unknown>; signed: boolean; closed: boolean }[] = [];
  /** Runs whose answer has been written to the socket. */
  readonly answered = new Set<string>();
  private server!: Server;
  url = '';

  constructor(private readonly answer: (path: string, nth: number) => number | 'hang') {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const path = req.url ?? '';
    const entry = { path, delivery: String(req.headers['x-flotte-delivery']), kind: String(req.headers['x-flotte-event']), body: JSON.parse(text) as Record<string, unknown>, signed: signedBy(SECRET, req, text), closed: false };
    this.requests.push(entry);
    res.on('close', () => (entry.closed = true));
    const code = this.answer(path, this.requests.filter((r) => r.path === path).length);
    if (code === 'hang') return;
    res.writeHead(code).end(code >= 300 ? 'registry full' : '');
    this.answered.add(entry.delivery);
  }

  received(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  close(): void {
    this.server.closeAllConnections();
    this.server.close();
  }
}

let h: Harness;
let receiver: Receiver;
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotte-hooks-'));
  writeFileSync(join(dir, 'key'), SECRET);
});
afterEach(async () => {
  h?.controller.close();
  receiver?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const webhook = (name: string, over: Partial<LifecycleHook> = {}): LifecycleHook => ({
  name,
  webhook: { url: `${receiver.url}/${name}`, secret: { file: join(dir, 'key') } },
  timeoutMs: 30_000,
  defaultResult: 'abandon',
  ...over,
});

async function start(hooks: PoolHooks, desired = 1): Promise<void> {
  h = await harness({ pools: [{ desired, hooks }] });
}

/**
 * Waits (in real time, a few milliseconds) for what the tick started beside it: every webhook
 * run in flight has reached the receiver, and every answer given has been stored. A receiver
 * that hangs is not waited for: its run stays in flight until its deadline. A request is known
 * by its delivery id, which a resend keeps: a test that expects one waits for it (`arrived`).
 */
async function settle(): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    const runs = (await h.store.hookRuns.listForPool('analysis')).filter((r) => r.status === 'running' && r.kind === 'webhook');
    const pending = runs.filter((r) => !receiver.requests.some((q) => q.delivery === r.id) || receiver.answered.has(r.id));
    if (pending.length === 0) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('webhook answers were not stored within 5 s');
}

/** Waits (in real time) until `path` has had `n` requests. */
async function arrived(path: string, n: number): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (receiver.received(path).length >= n) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${path} got ${receiver.received(path).length} requests, not ${n}, within 5 s`);
}

/** Ticks on the virtual clock, letting each tick's webhooks land, until `done`. */
async function tickUntil(done: () => Promise<boolean> | boolean, stepMs = 5_000, max = 100): Promise<void> {
  for (let i = 0; i < max; i++) {
    await h.runTick();
    await settle();
    if (await done()) return;
    await h.clock.advance(stepMs);
  }
  throw new Error(`not done after ${max} ticks`);
}

const events = (machine?: string): Promise<FleetEvent[]> => h.store.listEvents({ pool: 'analysis', ...(machine ? { machine } : {}) });

describe('lifecycle hooks (sim cloud, a real HTTP receiver)', () => {
  it('a launch hook that fails abandons the machine: never ready, terminated, replaced, and the events say which hook and why', async () => {
    // The first machine's call is refused; its replacement's passes.
    receiver = new Receiver((_path, nth) => (nth === 1 ? 500 : 204));
    await receiver.start();
    await start({ launch: [webhook('register')], terminate: [] });

    await tickUntil(() => converged(h.store, 1));
    const [first, second] = receiver.received('/register');
    const abandoned = String((first!.body.machine as { id: string }).id);
    const [kept] = await h.store.listMachines({ pool: 'analysis' });

    // The receiver got a signed call per machine, naming pool, machine and transition.
    expect(first).toMatchObject({ signed: true, kind: 'LaunchHook', delivery: `${abandoned}:launch:register`, body: { pool: 'analysis', transition: 'launch', hook: 'register', cause: 'Launched' } });
    expect(second).toMatchObject({ signed: true, body: { machine: { id: kept!.id, replaces: abandoned } } });

    // The abandoned machine never served, is gone from the cloud, and was replaced.
    const told = await events(abandoned);
    expect(told.map((e) => e.reason)).not.toContain('Ready');
    expect(told.find((e) => e.reason === 'HookFailed')?.message).toMatch(new RegExp(`^${abandoned}: launch hook register \\(webhook\\) failed in .*: HTTP 500: registry full → abandon$`));
    expect(told.find((e) => e.reason === 'LaunchAbandoned')).toMatchObject({
      message: expect.stringContaining('launch hook register failed'),
      data: { hook: 'register', status: 'failed', detail: 'HTTP 500: registry full' },
    });
    expect(told.find((e) => e.reason === 'Terminating')?.message).toContain('LaunchAbandoned');
    expect(h.sim.all().find((m) => m.id === abandoned)?.status).toMatch(/^terminat/);
    expect(kept).toMatchObject({ state: 'ready', replaces: abandoned });
    expect((await events(kept!.id)).map((e) => e.reason)).toEqual(expect.arrayContaining(['Launched', 'HookPassed', 'Ready']));
    expect(simLive(h.sim).map((m) => m.id)).toEqual([kept!.id]);
  });

  it('a terminate hook that never answers is cut at its timeout, and only then is the machine terminated', async () => {
    receiver = new Receiver(() => 'hang');
    await receiver.start();
    await start({ launch: [], terminate: [webhook('deregister', { defaultResult: 'continue' })] });
    await tickUntil(() => converged(h.store, 1));
    const [m] = await h.store.listMachines({ pool: 'analysis' });
    const sent: number[] = [];
    const terminate = h.sim.terminate.bind(h.sim);
    h.sim.terminate = (ids, signal) => {
      if (ids.includes(m!.id)) sent.push(h.clock.now());
      return terminate(ids, signal);
    };

    await h.store.setDesired('analysis', 0);
    const before = h.clock.now();
    await h.runTick();
    await settle();
    const decided = h.clock.now();
    // The tick that sent the hook did not wait for it (virtual time moves while a tick waits).
    expect(decided - before).toBeLessThan(1_000);
    expect(receiver.received('/deregister')[0]!.closed).toBe(false);
    expect((await h.store.getMachine(m!.id))?.state).toBe('terminating');
    expect(receiver.received('/deregister')).toHaveLength(1);

    // 25 s on, the hook still runs: the cloud has not been asked.
    await tickUntil(() => h.clock.now() - decided >= 25_000);
    expect(sent).toEqual([]);
    expect(simLive(h.sim).map((x) => x.id)).toEqual([m!.id]);

    await tickUntil(async () => (await h.store.getMachine(m!.id))?.state === 'gone');
    const cut = (await events(m!.id)).find((e) => e.reason === 'HookTimedOut')!;
    expect(cut.message).toBe(`${m!.id}: terminate hook deregister (webhook) timed out after 30s → continue`);
    expect(cut.data).toMatchObject({ hook: 'deregister', status: 'timeout', durationMs: 30_000, result: 'continue' });
    expect(sent).toHaveLength(1);
    expect(sent[0]! - decided).toBeGreaterThanOrEqual(30_000);
    // The call was cut, not left open.
    expect(receiver.received('/deregister')[0]!.closed).toBe(true);
  });

  it('hook runs survive a restart: a passed hook is not run again, the one in flight is sent again with the same delivery id, nothing is launched twice', async () => {
    // `check` hangs the first time (the controller "dies" with it in flight), answers after.
    receiver = new Receiver((path, nth) => (path === '/check' && nth === 1 ? 'hang' : 204));
    await receiver.start();
    await start({ launch: [webhook('register'), webhook('check')], terminate: [] });
    await tickUntil(() => receiver.received('/check').length === 1);
    expect((await h.store.listMachines({ pool: 'analysis' }))[0]?.state).toBe('booting');

    h.controller.close();
    await h.restart();
    // The first tick sends `check` again. settle() would take the hung first call for it (same
    // delivery id) and let virtual time run to the deadline while the resend is on the wire.
    await h.runTick();
    await arrived('/check', 2);
    await tickUntil(() => converged(h.store, 1));

    const [m] = await h.store.listMachines({ pool: 'analysis' });
    expect(receiver.received('/register')).toHaveLength(1);
    expect(receiver.received('/check').map((r) => r.delivery)).toEqual([`${m!.id}:launch:check`, `${m!.id}:launch:check`]);
    expect(h.sim.all()).toHaveLength(1);
    expect((await events(m!.id)).filter((e) => e.reason === 'HookPassed').map((e) => e.data?.hook)).toEqual(['register', 'check']);
    // Launch runs are dropped once the machine served.
    await h.runTick();
    expect(await h.store.hookRuns.listForPool('analysis')).toEqual([]);
  });
});
