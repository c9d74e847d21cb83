import type { FleetEvent } from '../lib/api.js';
import type { MachineRow } from '../lib/types.js';

/** The machine picked on the map: where it is, how to reach it, whether it drifted, and its story. */
export function MachineDetails({ m, history }: { m: MachineRow; history: readonly FleetEvent[] }) {
  // The API leaves `drift` out when the machine matches what its pool makes now.
  const drift = m.drift ?? [];
  return (
    <section class="card" aria-labelledby="machine-title" data-testid="machine-details">
      <h2 id="machine-title">
        {m.id} <span class="muted">{m.state} · {m.zone} · {m.size}</span>
      </h2>
      <p class="muted">
        launched {m.launchedAt.replace('T', ' ').slice(0, 19)} UTC · template v{m.templateVersion}
        {m.replaces ? ` · replaces ${m.replaces}` : ''}
        {m.protected ? ' · protected from scale-in' : ''}
      </p>
      <dl class="facts">
        <dt>addresses</dt>
        <dd data-testid="machine-addresses">
          {m.addresses.length === 0 ? <span class="muted">no address reported yet</span> : m.addresses.map((a) => `${a.kind} ${a.value}${a.network ? ` (${a.network})` : ''}`).join(' · ')}
        </dd>
        {drift.length > 0 && (
          <>
            <dt>drift</dt>
            <dd data-testid="machine-drift">
              <ul>
                {drift.map((d) => (
                  <li>{d}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
      <h3>History</h3>
      <div class="events" tabIndex={0} role="region" aria-label={`history of ${m.id}`}>
        <ul>
          {history.map((e) => (
            <li>
              <time class="muted" dateTime={e.at}>{e.at.replace('T', ' ').slice(0, 19)}</time> {e.reason}: {e.message}
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}
