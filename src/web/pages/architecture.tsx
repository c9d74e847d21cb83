import { count } from '../lib/format.js';
import { usePoll } from '../lib/hooks.js';
import { STATES, stateVar } from '../lib/states.js';
import type { PoolDetail, PoolSummary } from '../lib/types.js';
import type { PoolList } from '../../api/contract/index.js';

/** Providers → pools → zones, with live counts: the picture of what flotte runs and where. */
export function ArchitecturePage({ tick }: { tick: number }) {
  const { data } = usePoll<PoolList>('/api/v1/pools', 5000, tick);
  const pools = data?.items ?? [];
  const providers = [...new Set(pools.map((p) => p.provider))];
  return (
    <>
      <h1>Architecture</h1>
      <p class="muted">flotte API and controller → providers → pools → zones → machines.</p>
      {providers.map((prov) => (
        <section class="card">
          <h2>
            provider <code>{prov}</code>
          </h2>
          <div class="grid">
            {pools
              .filter((p) => p.provider === prov)
              .map((p) => (
                <PoolZones pool={p} tick={tick} />
              ))}
          </div>
        </section>
      ))}
    </>
  );
}

function PoolZones({ pool, tick }: { pool: PoolSummary; tick: number }) {
  const { data } = usePoll<PoolDetail>(`/api/v1/pools/${encodeURIComponent(pool.name)}`, 5000, tick);
  const zones = data ? [...new Set([...pool.zones, ...data.machines.map((m) => m.zone)])] : pool.zones;
  return (
    <div class="card">
      <h3 style="margin-top: 0">
        <a href={`#/pools/${encodeURIComponent(pool.name)}`}>pool {pool.name}</a> <span class="muted">template {pool.template}</span>
      </h3>
      {zones.map((z) => {
        const ms = data?.machines.filter((m) => m.zone === z) ?? [];
        return (
          <div style="margin-bottom: .4rem">
            <strong>{z}</strong> <span class="muted">{count(ms.length, 'machine')}</span>
            <div class="bar">
              {STATES.map((s) => {
                const n = ms.filter((m) => m.state === s).length;
                return n ? <span title={`${s}: ${n}`} style={`width: ${(100 * n) / Math.max(1, ms.length)}%; background: ${stateVar(s)}`} /> : null;
              })}
            </div>
          </div>
        );
      })}
    </div>
  );
}
