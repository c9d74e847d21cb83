import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { FleetEvent } from '../lib/api.js';
import { usePoll } from '../lib/hooks.js';
import { stateVar } from '../lib/states.js';
import type { PoolSummary } from '../lib/types.js';
import { Chart } from './chart.js';
import type { DecisionsPage, PoolList } from '../../api/contract/index.js';

/** Every pool at a glance, and load against capacity for the first pool with scaling decisions. */
export function OverviewPage({ tick, events }: { tick: number; events: FleetEvent[] }) {
  const { data, error } = usePoll<PoolList>('/api/v1/pools', 3000, tick);
  const pools = data?.items ?? [];
  return (
    <>
      <h1>Overview</h1>
      {error && <p class="error">{error}</p>}
      <div class="grid">
        {pools.map((p) => (
          <PoolCard pool={p} />
        ))}
      </div>
      {pools[0] && <LoadChart pool={pools[0]} />}
      <section class="card">
        <h2>Live events</h2>
        <div class="events" aria-live="polite">
          {events.length === 0 && <p class="muted">Waiting for events…</p>}
          {[...events].reverse().map((e) => (
            <div>
              <span class="muted">{e.at.slice(11, 19)}</span> <strong>{e.pool}</strong> {e.reason}: {e.message}
            </div>
          ))}
        </div>
      </section>
    </>
  );
}

function PoolCard({ pool }: { pool: PoolSummary }) {
  const c = pool.counts;
  const booting = (c.requested ?? 0) + (c.launching ?? 0) + (c.booting ?? 0);
  const total = Math.max(1, pool.desired, Object.entries(c).reduce((n, [s, v]) => (s === 'gone' ? n : n + v), 0));
  return (
    <a class="card" href={`#/pools/${encodeURIComponent(pool.name)}`} style="color: inherit; text-decoration: none" aria-label={`pool ${pool.name}`}>
      <div class="row" style="justify-content: space-between">
        <h2 style="margin: 0">{pool.name}</h2>
        <span class="muted">{pool.provider}</span>
      </div>
      <table>
        <tbody>
          <tr><td>desired</td><td class="num" data-testid={`desired-${pool.name}`}>{pool.desired}</td><td>ready</td><td class="num" data-testid={`ready-${pool.name}`}>{pool.ready}</td></tr>
          <tr><td>booting</td><td class="num">{booting}</td><td>unhealthy</td><td class="num">{c.unhealthy ?? 0}</td></tr>
          <tr><td>draining</td><td class="num">{c.draining ?? 0}</td><td>rebooting</td><td class="num">{c.rebooting ?? 0}</td></tr>
        </tbody>
      </table>
      <div class="bar" aria-hidden="true" style="margin-top: .5rem">
        {Object.entries(c)
          .filter(([s, v]) => s !== 'gone' && v > 0)
          .map(([s, v]) => (
            <span style={`width: ${(100 * v) / total}%; background: ${stateVar(s)}`} />
          ))}
      </div>
      {(pool.conditions ?? []).map((cond) => (
        <p class="badge bad" title={cond.message}>
          {cond.type}: {cond.message}
        </p>
      ))}
    </a>
  );
}

/** Capacity is sampled while the page is open; load comes from the autoscaler's stored decisions. */
function LoadChart({ pool }: { pool: PoolSummary }) {
  const samples = useRef<{ t: number; ready: number; desired: number }[]>([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    samples.current.push({ t: Date.now() / 1000, ready: pool.ready, desired: pool.desired });
    samples.current = samples.current.slice(-2000);
    setVersion((v) => v + 1);
  }, [pool]);
  const { data } = usePoll<DecisionsPage>(`/api/v1/pools/${encodeURIComponent(pool.name)}/decisions?limit=500`, 10_000);
  const chart = useMemo(() => {
    const points = new Map<number, { ready?: number; desired?: number; load?: number }>();
    for (const s of samples.current) points.set(Math.round(s.t), { ready: s.ready, desired: s.desired });
    for (const d of data?.items ?? []) {
      const t = Math.round(Date.parse(d.at) / 1000);
      const load = d.inputs?.reduce((n, i) => n + (typeof i.value === 'number' ? i.value : 0), 0);
      points.set(t, { ...points.get(t), desired: d.desired, load });
    }
    const times = [...points.keys()].sort((a, b) => a - b);
    const pick = (k: 'ready' | 'desired' | 'load') => times.map((t) => points.get(t)![k] ?? null);
    return {
      times,
      series: [
        { label: 'ready machines', color: '#1f9d55', values: pick('ready') },
        { label: 'desired', color: '#2457d6', values: pick('desired') },
        { label: 'load (metric)', color: '#d97706', values: pick('load') },
      ],
    };
  }, [data, version]);
  return (
    <section class="card">
      <h2>Load vs capacity: {pool.name}</h2>
      {chart.times.length > 1 ? <Chart title={`${pool.name}: load vs capacity`} times={chart.times} series={chart.series} /> : <p class="muted">Collecting samples…</p>}
    </section>
  );
}
