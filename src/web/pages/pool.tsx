import { useMemo, useState } from 'preact/hooks';
import { get, type FleetEvent } from '../lib/api.js';
import { usePoll } from '../lib/hooks.js';
import { useLivePool, useThrottled } from '../lib/pool-live.js';
import { can, type MachineRow, type Whoami } from '../lib/types.js';
import { ConditionBadges } from './conditions.js';
import { MachineDetails } from './machine-details.js';
import { Actions } from './pool-actions.js';
import { MachineMap } from './machine-map.js';
import type { DecisionsPage, EventPage } from '../../api/contract/index.js';

const SHOWN_EVENTS = 300;

/** One pool: its machine map, the autoscaler's explained decisions, its events, and what may be done to it. */
export function PoolPage({ name, me, tick }: { name: string; me: Whoami; tick: number }) {
  const path = `/api/v1/pools/${encodeURIComponent(name)}`;
  // The machines follow the live events one by one; the lists below refetch at most every 2 s however many arrive.
  const { pool, machines: live, error } = useLivePool(name);
  const slowTick = useThrottled(tick, 2000);
  const { data: events } = usePoll<EventPage>(`${path}/events?newest=true&limit=${SHOWN_EVENTS}`, 5000, slowTick);
  const { data: decisions } = usePoll<DecisionsPage>(`${path}/decisions?limit=20`, 10_000, slowTick);
  const [picked, setPicked] = useState<{ m: MachineRow; history: FleetEvent[] } | null>(null);
  const machines = live.list;
  // Counted from the live machines: the pool's own count is as old as its last fetch.
  const ready = useMemo(() => machines.reduce((n, m) => n + (m.state === 'ready' ? 1 : 0), 0), [machines]);

  const pick = async (m: MachineRow) => {
    const page = await get<EventPage>(`${path}/events?machine=${encodeURIComponent(m.id)}&newest=true&limit=${SHOWN_EVENTS}`);
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
        desired <strong data-testid="pool-desired">{pool.desired}</strong> · ready <strong data-testid="pool-ready">{ready}</strong> · min {pool.min} · max {pool.max} · zones {pool.zones.join(', ')}
      </p>
      <ConditionBadges conditions={pool.conditions} />
      {(can(me, 'pools:scale') || can(me, 'ops:write')) && <Actions pool={pool} me={me} />}
      <section class="card">
        <h2>Machines</h2>
        <MachineMap machines={machines} onPick={pick} />
      </section>
      {picked && <MachineDetails m={machines[live.index.get(picked.m.id) ?? -1] ?? picked.m} history={picked.history} />}
      <div class="grid">
        <section class="card">
          <h2 id="decisions-title">Scaling decisions</h2>
          {/* Focusable: a list that scrolls must scroll from the keyboard too. */}
          <div class="events" tabIndex={0} role="region" aria-labelledby="decisions-title">
            {decisions && decisions.items.length === 0 && <p class="muted">{decisions.autoscaling ? 'No decision yet.' : 'No autoscaling policy on this pool.'}</p>}
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
          <h2 id="pool-events-title">Events</h2>
          <div class="events" tabIndex={0} role="region" aria-labelledby="pool-events-title">
            {[...(events?.items ?? [])].reverse().map((e) => (
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
