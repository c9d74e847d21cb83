import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { budgetLine, count } from '../lib/format.js';
import { usePoll } from '../lib/hooks.js';
import { can, type Whoami } from '../lib/types.js';
import type { OperationDetail, OperationList, OperationView } from '../../api/contract/index.js';

/** Running and past operations with live progress; pause, resume and cancel for those allowed to. */
export function OperationsPage({ me, tick }: { me: Whoami; tick: number }) {
  const { data, error } = usePoll<OperationList>('/api/v1/operations?limit=50', 2000, tick);
  return (
    <>
      <h1>Operations</h1>
      {error && <p class="error">{error}</p>}
      {(data?.items ?? []).length === 0 && <p class="muted">No operations yet. Start one from a pool's page.</p>}
      {(data?.items ?? []).map((op) => (
        <OperationCard op={op} me={me} tick={tick} />
      ))}
    </>
  );
}

function OperationCard({ op, me, tick }: { op: OperationView; me: Whoami; tick: number }) {
  const { data } = usePoll<OperationDetail>(`/api/v1/operations/${op.id}`, 2000, tick);
  const [message, setMessage] = useState<string>();
  const p = data?.progress;
  const done = p ? p.counts.done ?? 0 : 0;
  const total = p?.total ?? 0;
  const pct = total ? Math.round((100 * done) / total) : op.status === 'succeeded' ? 100 : 0;
  const steer = (verb: string) => api('POST', `/api/v1/operations/${op.id}/${verb}`).then(() => setMessage(`${verb} sent`), (e: Error) => setMessage(e.message));
  const active = op.status === 'running' || op.status === 'paused';
  return (
    <section class="card" data-testid={`op-${op.id}`}>
      <div class="row" style="justify-content: space-between">
        <h2 style="margin: 0">
          {op.kind} {op.pool} <span class="muted">· {op.strategy.kind} · {op.id}</span>
        </h2>
        <span class={`badge ${op.status === 'failed' ? 'bad' : ''}`} data-testid="op-status">{op.status}</span>
      </div>
      <div class="bar" role="progressbar" aria-label={`${op.kind} ${op.pool}: progress`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} style="margin: .6rem 0">
        <span style={`width: ${pct}%; background: var(--ready)`} />
      </div>
      <p data-testid="op-progress">
        {pct}% · {done}/{total} done
        {p && (
          <>
            {' '}· in progress {p.counts['in-progress'] ?? 0} · pending {p.counts.pending ?? 0} · failed {p.counts.failed ?? 0} · {p.perMinute.toFixed(1)}/min
            {p.etaMs !== null && ` · ETA ${Math.ceil(p.etaMs / 1000)} s`}
          </>
        )}
      </p>
      {p ? <p class="muted">API budget: {budgetLine(p.api as Parameters<typeof budgetLine>[0])}</p> : null}
      {op.message && <p class="muted">{op.message}</p>}
      {(data?.failed ?? []).length > 0 && (
        <details>
          <summary>{count(data!.failed.length, 'failed machine')}</summary>
          <ul>
            {data!.failed.map((f) => (
              <li>
                {f.machine}: {f.error}
              </li>
            ))}
          </ul>
        </details>
      )}
      {can(me, 'ops:write') && active && (
        <div class="row">
          {op.status === 'running' ? <button onClick={() => steer('pause')}>Pause</button> : <button onClick={() => steer('resume')}>Resume</button>}
          <button onClick={() => steer('cancel')}>Cancel</button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </section>
  );
}
