import { useState } from 'preact/hooks';
import { usePoll } from '../lib/hooks.js';
import type { AuditPage as AuditList } from '../../api/contract/index.js';

/** The audit log: every change made through the API, filterable by pool, actor and action. */
export function AuditPage() {
  const [pool, setPool] = useState('');
  const [text, setText] = useState('');
  const { data, error } = usePoll<AuditList>(`/api/v1/audit?limit=1000${pool ? `&pool=${encodeURIComponent(pool)}` : ''}`, 5000);
  const rows = (data?.items ?? []).filter((r) => !text || `${r.actor} ${r.action} ${r.result}`.toLowerCase().includes(text.toLowerCase())).reverse();
  return (
    <>
      <h1>Audit log</h1>
      <div class="row card">
        <label>
          pool <input value={pool} onInput={(e) => setPool((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          contains <input value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      <div class="card scroll" tabIndex={0} role="region" aria-label="audit log entries">
        <table data-testid="audit">
          <thead>
            <tr>
              <th>time</th>
              <th>who</th>
              <th>action</th>
              <th>pool</th>
              <th>parameters</th>
              <th class="num">status</th>
              <th>result</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr>
                <td>{r.at.replace('T', ' ').slice(0, 19)}</td>
                <td>
                  {r.actor} <span class="muted">({r.role})</span>
                </td>
                <td>{r.action}</td>
                <td>{r.pool ?? ''}</td>
                <td>
                  <code>{JSON.stringify(r.params)}</code>
                </td>
                <td class="num">{r.status}</td>
                <td>{r.result}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
