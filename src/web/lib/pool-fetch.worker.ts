import type { MachineRow, PoolDetail, PoolSummary } from './types.js';

/** Asks for a fresh copy of a pool; `stale` names machines the page changed itself since (from events), to be sent again. */
export type PoolFetchRequest = { path: string; headers: Record<string, string>; stale: string[] };
/** The pool without its machines, the machine ids in order when they changed (else null), and only the machines that changed. */
export type PoolFetchAnswer = { ok: true; pool: PoolSummary; order: string[] | null; changed: MachineRow[] } | { ok: false; status: number; code: string; message: string };

/*
 * Runs off the page's main thread: the download, the parse of 10,000 machines (megabytes of JSON),
 * their sort and the comparison with the copy the page already has, so a refresh costs the page
 * only the machines that changed, not a long task that freezes the map.
 */
const scope = globalThis as unknown as { onmessage: ((e: { data: PoolFetchRequest }) => void) | null; postMessage(answer: PoolFetchAnswer): void };
/** Each machine as the page has it, as JSON, and their order. */
let sent = new Map<string, string>();
let order: string[] = [];

async function refresh({ path, headers, stale }: PoolFetchRequest): Promise<PoolFetchAnswer> {
  for (const id of stale) sent.delete(id);
  const res = await fetch(path, { headers });
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) return { ok: false, status: res.status, code: json?.error?.code ?? 'error', message: json?.error?.message ?? `HTTP ${res.status}` };
  const { machines, ...pool } = json as PoolDetail;
  machines.sort((a, b) => (a.id < b.id ? -1 : 1));
  const next = new Map<string, string>();
  const changed: MachineRow[] = [];
  for (const m of machines) {
    const s = JSON.stringify(m);
    next.set(m.id, s);
    if (sent.get(m.id) !== s) changed.push(m);
  }
  const ids = machines.map((m) => m.id);
  const same = ids.length === order.length && ids.every((id, i) => id === order[i]);
  sent = next;
  order = ids;
  return { ok: true, pool, order: same ? null : ids, changed };
}

scope.onmessage = ({ data }) => {
  refresh(data).then(
    (answer) => scope.postMessage(answer),
    (e: Error) => scope.postMessage({ ok: false, status: 0, code: 'network', message: e.message }),
  );
};
