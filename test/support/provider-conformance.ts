import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG, type Template } from '../../src/domain/types.js';
import { PROVIDER_ERROR_KINDS, ProviderError, type LaunchRequest, type Provider, type ProviderMachine } from '../../src/providers/provider.js';

/** What a provider under test needs around it; everything but the first three is optional. */
export interface ConformanceSubject {
  provider: Provider;
  /** Lets the cloud's time pass: a virtual clock's advance, or a real sleep for a real cloud. */
  advance(ms: number): Promise<void>;
  /** Removes whatever the suite left behind (the suite also terminates what it launched). */
  cleanup(): Promise<void>;
  /** Where to launch; defaults fit the sim. */
  fixture?: { template: Template; zone: string; size: string } | undefined;
  /** Ids shaped like the provider's own but known to exist nowhere (EC2 rejects malformed ids differently). */
  unknownIds?: ((n: number) => string[]) | undefined;
  /** Leaves room for only `room` more machines in `zone`, where the cloud can be told so (fakes only). */
  squeeze?: ((zone: string, room: number | undefined) => Promise<void>) | undefined;
  /** Longest the cloud may take to settle a machine (boot, stop, start); default 10 minutes. */
  settleMs?: number | undefined;
}

/** Promises only some clouds can be tested on; declared up front so no test skips itself at run time. */
export interface ConformanceFeatures {
  /** The subject provides `squeeze` (fakes): partial success is then tested. */
  squeeze?: boolean;
  /** Default true: stop and start are tested. */
  stopStart?: boolean;
}

const DEFAULT_FIXTURE = {
  template: { name: 'conformance', version: 1, provider: 'sim', image: 'img-1', sizes: ['m.small'], zones: ['sim-a'], tags: {} },
  zone: 'sim-a',
  size: 'm.small',
};

/**
 * The provider contract, as tests: every provider (sim, the EC2 face, a real account, a real
 * OpenStack) runs the same promises, so the fakes stay honest. Timing-tolerant: whatever a
 * real cloud does eventually is polled for through `advance`, never assumed at once.
 */
export function providerConformance(name: string, make: () => Promise<ConformanceSubject>, features: ConformanceFeatures = {}): void {
  describe(`provider conformance: ${name}`, () => {
    let s: ConformanceSubject;
    const cluster = `conf-${randomUUID().slice(0, 8)}`;
    const launched = new Set<string>();
    const fx = () => s.fixture ?? DEFAULT_FIXTURE;
    const settle = () => s.settleMs ?? 600_000;
    const request = (token: string, count: number, pool = 'p1'): LaunchRequest => ({
      token,
      template: fx().template,
      size: fx().size,
      zone: fx().zone,
      count,
      tags: { [TAG.cluster]: cluster, [TAG.pool]: pool, [TAG.intent]: token },
    });
    const launch = async (req: LaunchRequest) => {
      const r = await s.provider.launch(req);
      for (const m of r.launched) launched.add(m.id);
      return r;
    };
    /** Polls `probe` while the cloud's time passes, until it holds or `withinMs` is spent. */
    const eventually = async <T>(probe: () => Promise<T | undefined>, withinMs: number, what: string): Promise<T> => {
      const step = Math.max(1000, Math.floor(withinMs / 120));
      for (let spent = 0; ; spent += step) {
        const got = await probe();
        if (got !== undefined) return got;
        if (spent >= withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
        await s.advance(step);
      }
    };
    const listed = async (pool?: string) => s.provider.list({ cluster, ...(pool ? { pools: [pool] } : {}) });
    const statusOf = async (ids: string[], want: ProviderMachine['status'][]) =>
      eventually(async () => {
        const byId = new Map((await listed()).map((m) => [m.id, m]));
        return ids.every((id) => want.includes(byId.get(id)?.status ?? 'terminated')) ? true : undefined;
      }, settle(), `${ids.join(',')} reach ${want.join('|')}`);

    beforeAll(async () => {
      s = await make();
    });
    afterAll(async () => {
      if (!s) return;
      if (launched.size > 0) await s.provider.terminate([...launched]).catch(() => undefined);
      await s.cleanup();
    });

    it('declares usable limits and capabilities', () => {
      const l = s.provider.limits;
      expect(l.idsPerCall).toBeGreaterThanOrEqual(1);
      expect(l.launchPerCall).toBeGreaterThanOrEqual(1);
      expect(l.listGraceMs).toBeGreaterThanOrEqual(0);
      for (const k of ['describe', 'mutate', 'launch'] as const) expect(l.buckets[k].capacity).toBeGreaterThan(0);
      expect(typeof s.provider.capabilities.stopStart).toBe('boolean');
    });

    it('launches once per token and tags every machine with the ownership tags', async () => {
      const token = `conf-${randomUUID()}`;
      const first = await launch(request(token, 2));
      expect(first.launched.length + (first.failed?.count ?? 0)).toBe(2);
      expect(first.launched.length).toBeGreaterThan(0);
      for (const m of first.launched) {
        expect(['pending', 'running']).toContain(m.status);
        expect(m.tags).toMatchObject({ [TAG.cluster]: cluster, [TAG.pool]: 'p1', [TAG.intent]: token });
      }
      const again = await launch(request(token, 2));
      expect(again.launched.map((m) => m.id).sort()).toEqual(first.launched.map((m) => m.id).sort());
      const mine = await eventually(async () => {
        const ids = (await listed('p1')).filter((m) => m.tags[TAG.intent] === token).map((m) => m.id);
        return ids.length >= first.launched.length ? ids : undefined;
      }, s.provider.limits.listGraceMs + 60_000, 'launched machines are listed');
      expect(mine.sort()).toEqual(first.launched.map((m) => m.id).sort());
    });

    it('lists only the cluster (and pools) asked for, all pages read', async () => {
      const pageSize = s.provider.limits.pageSize;
      const count = pageSize !== undefined && pageSize <= 20 ? pageSize * 2 + 1 : 3;
      const token = `conf-${randomUUID()}`;
      const r = await launch(request(token, count, 'p2'));
      const ids = r.launched.map((m) => m.id).sort();
      const inPool = await eventually(async () => {
        const got = (await listed('p2')).filter((m) => m.tags[TAG.intent] === token);
        return got.length === ids.length ? got : undefined;
      }, s.provider.limits.listGraceMs + 60_000, 'every page of the pool is listed');
      expect(inPool.map((m) => m.id).sort()).toEqual(ids);
      expect((await listed('p1')).some((m) => ids.includes(m.id))).toBe(false);
      // Several pools at once (a controller listing the pools it holds): their machines, no other pool's.
      const held = await s.provider.list({ cluster, pools: ['p1', 'p2'] });
      expect(ids.every((id) => held.some((m) => m.id === id))).toBe(true);
      expect(held.every((m) => m.tags[TAG.pool] === 'p1' || m.tags[TAG.pool] === 'p2')).toBe(true);
      const other = await s.provider.list({ cluster: `${cluster}-other` });
      expect(other.some((m) => ids.includes(m.id))).toBe(false);
    });

    it('splits ids by idsPerCall and reports unknown ids in notFound, never thrown', async () => {
      const token = `conf-${randomUUID()}`;
      const r = await launch(request(token, 1, 'p4'));
      const real = r.launched.map((m) => m.id);
      // Real clouds may not know a new machine for a while: act on it once it is listed.
      await eventually(async () => ((await listed('p4')).some((m) => real.includes(m.id)) ? true : undefined), s.provider.limits.listGraceMs + 60_000, 'the machine is listed');
      const unknown = (s.unknownIds ?? ((n: number) => Array.from({ length: n }, (_, i) => `missing-${i}`)))(s.provider.limits.idsPerCall + 1);
      const out = await s.provider.reboot([...unknown, ...real], { hard: false }).catch((e: unknown) => e);
      expect(out).not.toBeInstanceOf(Error);
      const batch = out as Awaited<ReturnType<Provider['reboot']>>;
      expect(batch.notFound.sort()).toEqual([...unknown].sort());
      expect([...batch.done, ...batch.failed.map((f) => f.id)].sort()).toEqual(real.sort());
      for (const f of batch.failed) expect(f.error).toBeInstanceOf(ProviderError);
      const gone = await s.provider.terminate([...real, ...unknown.slice(0, 2)]);
      expect(gone.notFound.sort()).toEqual(unknown.slice(0, 2).sort());
      expect(gone.done).toEqual(real);
      await statusOf(real, ['terminating', 'terminated']);
      const twice = await s.provider.terminate(real);
      expect(twice.failed).toEqual([]);
      expect([...twice.done, ...twice.notFound]).toEqual(real);
    });

    it('reboots a running machine, keeping its id', async () => {
      const r = await launch(request(`conf-${randomUUID()}`, 1, 'p5'));
      const ids = r.launched.map((m) => m.id);
      await statusOf(ids, ['running']);
      // A running machine is reachable somewhere, and the provider says where.
      const running = (await listed('p5')).find((m) => m.id === ids[0]);
      expect(running?.addresses.length).toBeGreaterThan(0);
      expect((await s.provider.reboot(ids, { hard: false })).done).toEqual(ids);
      await statusOf(ids, ['running']);
    });

    it.runIf(features.stopStart ?? true)('stops and starts a running machine', async () => {
      expect(s.provider.capabilities.stopStart).toBe(true);
      const r = await launch(request(`conf-${randomUUID()}`, 1, 'p6'));
      const ids = r.launched.map((m) => m.id);
      await statusOf(ids, ['running']);
      expect((await s.provider.stop(ids)).done).toEqual(ids);
      await statusOf(ids, ['stopped']);
      expect((await s.provider.start(ids)).done).toEqual(ids);
      await statusOf(ids, ['running']);
    });

    it('fails whole calls with a typed ProviderError', async () => {
      const e = await s.provider.launch(request(`conf-${randomUUID()}`, 0)).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(ProviderError);
      expect(PROVIDER_ERROR_KINDS).toContain((e as ProviderError).kind);
      expect(e).toMatchObject({ kind: 'invalid', retryable: false });
    });

    // Last: a provider may rightly remember the squeezed zone as exhausted for a while.
    it.runIf(features.squeeze === true)('reports partial success as a result, with a capacity error naming zone and size', async () => {
      const squeeze = s.squeeze;
      if (!squeeze) throw new Error('features.squeeze is set but the subject has no squeeze()');
      const zone = fx().zone;
      await squeeze(zone, 1);
      try {
        const r = await launch(request(`conf-${randomUUID()}`, 3, 'p3'));
        expect(r.launched).toHaveLength(1);
        expect(r.failed?.count).toBe(2);
        expect(r.failed?.error).toBeInstanceOf(ProviderError);
        expect(r.failed?.error).toMatchObject({ kind: 'capacity', retryable: false, details: { zone } });
      } finally {
        await squeeze(zone, undefined);
      }
    });
  });
}
