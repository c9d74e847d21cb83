import type { Clock } from '../../clock/clock.js';

/**
 * What the machine learns from IMDS ahead of losing it: a Spot interruption (two minutes'
 * notice, `spot/instance-action`) or a rebalance recommendation (earlier, softer). The
 * agent (src/agent, issue 3) runs `watchSpotNotices` on the machine and forwards each
 * notice in its report; the controller's InterruptionInbox takes it from there.
 */
export interface SpotNotice {
  instanceId: string;
  kind: 'interruption' | 'rebalance';
  /** terminate, stop or hibernate (interruption); `rebalance` for a recommendation. */
  action: string;
  /** When EC2 takes the machine back (interruption), or when the advice was given (rebalance). */
  at: number;
}

/** IMDSv2 session tokens live at most six hours; flotte asks for one per poll round, short-lived. */
const TOKEN_TTL_SECONDS = 60;
/** EC2 advises polling every five seconds. */
export const SPOT_POLL_MS = 5_000;

type Fetch = typeof fetch;

async function imds(base: string, path: string, token: string, f: Fetch, signal?: AbortSignal): Promise<string | undefined> {
  const res = await f(`${base}/latest/${path}`, { headers: { 'X-aws-ec2-metadata-token': token }, ...(signal ? { signal } : {}) });
  if (res.status === 404) return undefined;
  if (!res.ok) throw new Error(`IMDS ${path}: HTTP ${res.status}`);
  return res.text();
}

/** One look at IMDS (v2: a PUT for a session token, then GETs with it). */
export async function readSpotNotices(base = 'http://169.254.169.254', f: Fetch = fetch, signal?: AbortSignal): Promise<SpotNotice[]> {
  const t = await f(`${base}/latest/api/token`, { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': String(TOKEN_TTL_SECONDS) }, ...(signal ? { signal } : {}) });
  if (!t.ok) throw new Error(`IMDS token: HTTP ${t.status}`);
  const token = await t.text();
  const instanceId = (await imds(base, 'meta-data/instance-id', token, f, signal)) ?? '';
  const out: SpotNotice[] = [];
  const action = await imds(base, 'meta-data/spot/instance-action', token, f, signal);
  if (action) {
    const a = JSON.parse(action) as { action: string; time: string };
    out.push({ instanceId, kind: 'interruption', action: a.action, at: Date.parse(a.time) });
  }
  const rebalance = await imds(base, 'meta-data/events/recommendations/rebalance', token, f, signal);
  if (rebalance) out.push({ instanceId, kind: 'rebalance', action: 'rebalance', at: Date.parse((JSON.parse(rebalance) as { noticeTime: string }).noticeTime) });
  return out;
}

/** Polls until aborted, reporting each notice once; IMDS hiccups are retried at the next poll. */
export async function watchSpotNotices(o: { base?: string; clock: Clock; signal: AbortSignal; report: (n: SpotNotice) => void | Promise<void>; intervalMs?: number; fetch?: Fetch }): Promise<void> {
  const told = new Set<string>();
  while (!o.signal.aborted) {
    try {
      for (const n of await readSpotNotices(o.base, o.fetch, o.signal)) {
        const key = `${n.kind}/${n.action}/${n.at}`;
        if (told.has(key)) continue;
        told.add(key);
        await o.report(n);
      }
    } catch (e) {
      if (o.signal.aborted) return;
      void e;
    }
    await o.clock.sleep(o.intervalMs ?? SPOT_POLL_MS, o.signal).catch(() => undefined);
  }
}
