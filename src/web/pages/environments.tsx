import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { usePoll } from '../lib/hooks.js';
import { can, type Whoami } from '../lib/types.js';
import type { EnvironmentList, EnvTemplateList } from '../../api/contract/index.js';

/** Parses `k=v` lines of the form's params box; blank lines are skipped. */
const parseParams = (text: string): Record<string, string> =>
  Object.fromEntries(text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

/** Self-service environments: a developer creates, extends, stops, starts and destroys their own; operators see everyone's. */
export function EnvironmentsPage({ me }: { me: Whoami | undefined }) {
  const everyone = can(me, 'envs:all');
  const [all, setAll] = useState(false);
  const list = usePoll<EnvironmentList>(`/api/v1/environments?all=${everyone && all}`, 3000);
  const templates = usePoll<EnvTemplateList>('/api/v1/environment-templates', 30_000);
  const [form, setForm] = useState({ name: '', template: '', ttl: '8h', params: '' });
  const [message, setMessage] = useState('');
  const act = (work: Promise<unknown>, done: string) => work.then(() => setMessage(done), (e: Error) => setMessage(e.message));
  const create = (e: Event) => {
    e.preventDefault();
    const template = form.template || templates.data?.items[0]?.name || '';
    act(api('POST', '/api/v1/environments', { name: form.name, template, ttl: form.ttl, params: parseParams(form.params) }), `creating ${form.name}`);
  };
  return (
    <>
      <h1>Environments</h1>
      <form class="row card" onSubmit={create}>
        <label>
          name <input required value={form.name} onInput={(e) => setForm({ ...form, name: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          template{' '}
          <select value={form.template} onChange={(e) => setForm({ ...form, template: (e.target as HTMLSelectElement).value })}>
            {(templates.data?.items ?? []).map((t) => (
              <option value={t.name}>{`${t.name} v${t.version}`}</option>
            ))}
          </select>
        </label>
        <label>
          ttl <input value={form.ttl} onInput={(e) => setForm({ ...form, ttl: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          params (k=v per line) <textarea value={form.params} onInput={(e) => setForm({ ...form, params: (e.target as HTMLTextAreaElement).value })} />
        </label>
        <button type="submit">Create</button>
        {everyone && (
          <label>
            <input type="checkbox" checked={all} onChange={(e) => setAll((e.target as HTMLInputElement).checked)} /> everyone's
          </label>
        )}
      </form>
      {message && <p class="muted">{message}</p>}
      {list.error && <p class="error">{list.error}</p>}
      <div class="card scroll" tabIndex={0} role="region" aria-label="environments">
        <table data-testid="environments">
          <thead>
            <tr>
              <th>name</th>
              <th>owner</th>
              <th>template</th>
              <th>status</th>
              <th>expires</th>
              <th>outputs</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {(list.data?.items ?? []).map((e) => (
              <tr data-testid={`env-${e.name}`}>
                <td>{e.name}</td>
                <td>{e.owner}</td>
                <td>{`${e.template} v${e.templateVersion}`}</td>
                <td title={e.reason ?? ''} data-testid="status">
                  {e.status}
                </td>
                <td data-testid="expires">{new Date(e.expiresAt).toISOString().replace('T', ' ').slice(0, 16)}</td>
                <td>
                  {Object.entries(e.outputs).map(([k, v]) => (
                    <div>
                      {k}: <code>{v}</code>
                    </div>
                  ))}
                </td>
                <td>
                  <button onClick={() => act(api('POST', `/api/v1/environments/${e.id}/extend`, { by: '4h' }), `${e.name} extended by 4h`)}>+4h</button>{' '}
                  {e.status === 'ready' && <button onClick={() => act(api('POST', `/api/v1/environments/${e.id}/stop`), `stopping ${e.name}`)}>Stop</button>}
                  {e.status === 'stopped' && <button onClick={() => act(api('POST', `/api/v1/environments/${e.id}/start`), `starting ${e.name}`)}>Start</button>}{' '}
                  <button onClick={() => confirm(`Destroy ${e.name}?`) && act(api('DELETE', `/api/v1/environments/${e.id}`), `destroying ${e.name}`)}>Destroy</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
