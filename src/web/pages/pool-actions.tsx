import { useState } from 'preact/hooks';
import { api } from '../lib/api.js';
import { previewLines } from '../lib/format.js';
import { can, type PoolSummary, type Whoami } from '../lib/types.js';
import type { OperationAnswer, OperationPreview } from '../../api/contract/index.js';

type Kind = 'restart' | 'replace';

/** Scale, restart and replace; bulk operations always show their dry-run preview before they start. */
export function Actions({ pool, me }: { pool: PoolSummary; me: Whoami }) {
  const [size, setSize] = useState(String(pool.desired));
  const [kind, setKind] = useState<Kind>('restart');
  const [strategy, setStrategy] = useState<'rolling' | 'all-at-once'>('rolling');
  const [maxUnavailable, setMaxUnavailable] = useState('20');
  const [preview, setPreview] = useState<{ body: Record<string, unknown>; lines: string[]; raw: string } | null>(null);
  const [message, setMessage] = useState<string>();

  const run = async (fn: () => Promise<string>) => {
    try {
      setMessage(await fn());
    } catch (e) {
      setMessage(`Error: ${(e as Error).message}`);
    }
  };
  const opBody = () => ({
    kind,
    pool: pool.name,
    strategy: strategy === 'rolling' ? { kind: 'rolling', maxUnavailable: { percent: Number(maxUnavailable) } } : { kind: 'all-at-once' },
  });
  return (
    <section class="card" aria-label="actions">
      <div class="row">
        {can(me, 'pools:scale') && (
          <>
            <label for="size">Size</label>
            <input id="size" type="number" min={pool.min} max={pool.max} value={size} onInput={(e) => setSize((e.target as HTMLInputElement).value)} style="width: 6rem" />
            <button onClick={() => run(async () => (await api('PUT', `/api/v1/pools/${encodeURIComponent(pool.name)}/desired`, { desired: Number(size) }), `desired set to ${size}`))}>
              Scale
            </button>
          </>
        )}
        {can(me, 'ops:write') && (
          <>
            <label for="kind">Operation</label>
            <select id="kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value as Kind)}>
              <option value="restart">restart</option>
              <option value="replace">replace</option>
            </select>
            <select aria-label="strategy" value={strategy} onChange={(e) => setStrategy((e.target as HTMLSelectElement).value as 'rolling')}>
              <option value="rolling">rolling</option>
              <option value="all-at-once">all at once</option>
            </select>
            {strategy === 'rolling' && (
              <label>
                max unavailable %{' '}
                <input type="number" min={1} max={100} value={maxUnavailable} onInput={(e) => setMaxUnavailable((e.target as HTMLInputElement).value)} style="width: 5rem" />
              </label>
            )}
            <button
              onClick={() =>
                run(async () => {
                  const body = opBody();
                  const out = await api<OperationPreview>('POST', '/api/v1/operations/dry-run', body);
                  setPreview({ body, lines: previewLines(out.preview as Parameters<typeof previewLines>[0]), raw: JSON.stringify(out.preview, null, 2) });
                  return 'Preview ready: read it, then confirm.';
                })
              }
            >
              Preview {kind}
            </button>
          </>
        )}
      </div>
      {preview && (
        <div>
          <h3>Preview</h3>
          <ul data-testid="preview">
            {preview.lines.map((l) => (
              <li>{l}</li>
            ))}
          </ul>
          <details>
            <summary>every batch and machine</summary>
            <pre class="preview">{preview.raw}</pre>
          </details>
          <div class="row">
            <button
              class="primary"
              onClick={() =>
                run(async () => {
                  const out = await api<OperationAnswer>('POST', '/api/v1/operations', preview.body);
                  setPreview(null);
                  location.hash = `#/ops`;
                  return `operation ${out.operation.id} started`;
                })
              }
            >
              Confirm {String(preview.body.kind)}
            </button>
            <button onClick={() => setPreview(null)}>Cancel</button>
          </div>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </section>
  );
}
