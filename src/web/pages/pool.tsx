import { useMemo, useState } from 'preact/hooks';
import { get, type FleetEvent } from '../lib/api.js';
import { usePoll } from '../lib/hooks.js';
import { can, type MachineRow, type PoolDetail, type Whoami } from '../lib/types.js';
import { Actions } from './pool-actions.js';
import { MachineMap } from './machine-map.js';
import type { DecisionsPage, EventPage } from '../../api/contract/index.js';

/** One pool: its machine map, the autoscaler's explained decisions, its events, and what may be done to it. */
export function PoolPage({ name, me, tick }: { name: string; me: Whoami; tick: number }) {
  const path = `/api/v1/pools/${encodeURIComponent(name)}`;
  const { data: pool, error } = usePoll<PoolDetail>(path, 3000, tick);
  const { data: events } = usePoll<EventPage>(`${path}/events?limit=1000`, 5000, tick);
  const { data: decisions } = usePoll<DecisionsPage>(`${path}/decisions?limit=20`, 10_000, tick);
  const [picked, setPicked] = useState<{ m: MachineRow; history: FleetEvent[] } | null>(null);
  // Stable order (by id) so a machine keeps its cell as states change.
  const machines = useMemo(() => [...(pool?.machines ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1)), [pool]);

  const pick = async (m: MachineRow) => {
    const page = await get<EventPage>(`${path}/events?machine=${encodeURIComponent(m.id)}&limit=1000`);
    setPicked({ m, history: page.items });
  };
  if (error) return <p class="error">{error}</p>;
  if (!pool) return <p class="muted">Loading {name}…</p>;
  return (
    <>
      <h1>
        Pool {pool.name} <span class="muted">· {pool.provider} · {pool.template}</span>
      </h1>
      <p>
        desired <strong data-testid="pool-desired">{pool.desired}</strong> · ready <strong data-testid="pool-ready">{pool.ready}</strong> · min {pool.min} · max {pool.max} · zones {pool.zones.join(', ')}
      </p>
      {(pool.conditions ?? []).map((cond) => (
        <p class={`badge ${cond.type === 'AutoscalingPaused' ? 'warn' : 'bad'}`} title={cond.message} data-testid={`condition-${cond.type}`}>
          {cond.type}
          {cond.until ? ` until ${cond.until.slice(11, 16)} UTC` : ''}: {cond.message}
        </p>
      ))}
      {(can(me, 'pools:scale') || can(me, 'ops:write')) && <Actions pool={pool} me={me} />}
      <section class="card">
        <h2>Machines</h2>
        <MachineMap machines={machines} onPick={pick} />
      </section>
      {picked && (
        <section class="card" aria-live="polite">
          <h2>
            {picked.m.id} <span class="muted">{picked.m.state} · {picked.m.zone} · {picked.m.size}</span>
          </h2>
          <p class="muted">launched {picked.m.launchedAt}{picked.m.replaces ? ` · replaced ${picked.m.replaces}` : ''}</p>
          <p data-testid="machine-addresses">
            {picked.m.addresses.length === 0 ? <span class="muted">no address reported yet</span> : picked.m.addresses.map((a) => `${a.kind} ${a.value}${a.network ? ` (${a.network})` : ''}`).join(' · ')}
          </p>
          <div class="events">
            {picked.history.map((e) => (
              <div>
                <span class="muted">{e.at.replace('T', ' ').slice(0, 19)}</span> {e.reason}: {e.message}
              </div>
            ))}
          </div>
        </section>
      )}
      <div class="grid">
        <section class="card">
          <h2>Scaling decisions</h2>
          <div class="events">
            {(decisions?.items ?? []).length === 0 && <p class="muted">No autoscaling policy on this pool.</p>}
            {(decisions?.items ?? []).map((d) => (
              <div>
                <span class="muted">{d.at.slice(11, 19)}</span> {d.current} → {d.desired} {d.held ? <span class="badge warn">held</span> : null} {d.dryRun ? <span class="badge">dry run</span> : null}
                <br />
                {d.summary}
              </div>
            ))}
          </div>
        </section>
        <section class="card">
          <h2>Events</h2>
          <div class="events">
            {[...(events?.items ?? [])].reverse().slice(0, 300).map((e) => (
              <div>
                <span class="muted">{e.at.slice(11, 19)}</span> {e.reason}: {e.message}
              </div>
            ))}
          </div>
        </section>
      </div>
    </>
  );
}
