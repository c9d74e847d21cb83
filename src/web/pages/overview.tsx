import { useEffect, useMemo, useState } from 'preact/hooks';
import type { FleetEvent } from '../lib/api.js';
import { count } from '../lib/format.js';
import { usePoll } from '../lib/hooks.js';
import { loadChartModel, loadPolicy, type CapacitySample } from '../lib/load-chart.js';
import { stateVar } from '../lib/states.js';
import type { PoolSummary } from '../lib/types.js';
import { Chart } from './chart.js';
import { ConditionBadges } from './conditions.js';
import type { DecisionsPage, PoolList } from '../../api/contract/index.js';

/** Ready machines per pool, sampled while the dashboard is open; kept across pages so coming back shows the last minutes again. */
const samples = new Map<string, CapacitySample[]>();
const KEPT_SAMPLES = 2000;

/** Every pool at a glance, load against capacity for one of them, and the fleet's recent events, then live ones. */
export function OverviewPage({ tick, events }: { tick: number; events: FleetEvent[] | undefined }) {
  const { data, error } = usePoll<PoolList>('/api/v1/pools', 3000, tick);
  const pools = data?.items ?? [];
  const [version, setVersion] = useState(0);
  useEffect(() => {
    const t = Date.now() / 1000;
    for (const p of data?.items ?? []) samples.set(p.name, [...(samples.get(p.name) ?? []).slice(1 - KEPT_SAMPLES), { t, ready: p.ready, desired: p.desired }]);
    setVersion((v) => v + 1);
  }, [data]);
  return (
    <>
      <h1>Overview</h1>
      {error && <p class="error">{error}</p>}
      <div class="grid">
        {pools.map((p) => (
          <PoolCard pool={p} />
        ))}
      </div>
      {pools.length > 0 && <LoadChart pools={pools} version={version} />}
      <section class="card" aria-labelledby="events-title">
        <h2 id="events-title">Events</h2>
        <p class="muted">Newest first; new ones appear as they happen.</p>
        <div class="events" role="log" aria-labelledby="events-title" tabIndex={0} data-testid="events">
          {events === undefined && <p class="muted">Loading events…</p>}
          {events?.length === 0 && <p class="muted">No events yet.</p>}
          <ul>
            {[...(events ?? [])].reverse().map((e) => (
              <li data-event-id={e.id}>
                <time class="muted" dateTime={e.at}>{e.at.slice(11, 19)}</time> <strong>{e.pool}</strong> {e.reason}: {e.message}
              </li>
            ))}
          </ul>
        </div>
      </section>
    </>
  );
}

function PoolCard({ pool }: { pool: PoolSummary }) {
  const c = pool.counts;
  const booting = (c.requested ?? 0) + (c.launching ?? 0) + (c.booting ?? 0);
  const machines = Object.entries(c).reduce((n, [s, v]) => (s === 'gone' ? n : n + v), 0);
  const total = Math.max(1, pool.desired, machines);
  return (
    <article class="card pool-card" aria-labelledby={`pool-${pool.name}`}>
      <div class="row" style="justify-content: space-between">
        <h2 style="margin: 0">
          {/* The whole card takes the click (CSS stretches the link); the link's name stays the pool's. */}
          <a id={`pool-${pool.name}`} href={`#/pools/${encodeURIComponent(pool.name)}`}>
            {pool.name}
          </a>
        </h2>
        <span class="muted">
          {count(machines, 'machine')} · {pool.provider}
        </span>
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
      <ConditionBadges conditions={pool.conditions} />
    </article>
  );
}

/** Load against capacity for the pool picked, by default the first one an autoscaler measures. */
function LoadChart({ pools, version }: { pools: PoolSummary[]; version: number }) {
  const [picked, setPicked] = useState<string>();
  const pool = pools.find((p) => p.name === picked) ?? pools.find((p) => loadPolicy(p)) ?? pools[0]!;
  const { data } = usePoll<DecisionsPage>(`/api/v1/pools/${encodeURIComponent(pool.name)}/decisions?limit=500`, 10_000);
  const decisions = data?.pool === pool.name ? data.items : undefined;
  const model = useMemo(() => loadChartModel(pool, decisions ?? [], samples.get(pool.name) ?? []), [pool.name, pool.scaling, decisions, version]);
  return (
    <section class="card" aria-labelledby="load-title">
      <div class="row" style="justify-content: space-between">
        <h2 id="load-title" style="margin: 0">Load vs capacity: {pool.name}</h2>
        {pools.length > 1 && (
          <label>
            pool{' '}
            <select value={pool.name} onChange={(e) => setPicked((e.target as HTMLSelectElement).value)}>
              {pools.map((p) => (
                <option value={p.name}>{p.name}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      <p data-testid="chart-now">
        <strong>{model.now}</strong>
      </p>
      {model.times.length > 1 ? (
        <figure class="chart">
          <Chart label={`${pool.name}: load vs capacity. ${model.caption} ${model.now}`} times={model.times} series={model.series} axes={model.axes} />
          <figcaption class="muted" data-testid="chart-caption">
            {model.caption}
          </figcaption>
        </figure>
      ) : (
        <p class="muted">Collecting samples…</p>
      )}
    </section>
  );
}
