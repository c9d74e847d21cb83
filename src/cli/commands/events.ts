import { PAGE_MAX, type ApiClient } from '../client.js';
import { wholeNumberFlag } from '../flags.js';
import { printJson, println } from '../output.js';
import { followEvents } from './events-follow.js';
import type { EventPage, EventView } from '../../api/contract/index.js';

/** Every event after `after`, page by page: for a --limit above one page. */
async function everyPage(client: ApiClient, base: string, after: string | undefined): Promise<EventView[]> {
  const items: EventView[] = [];
  for (;;) {
    const page = await client.get<EventPage>(`${base}limit=${PAGE_MAX}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    items.push(...page.items);
    if (!page.next) return items;
    after = page.next;
  }
}

export async function eventsCommand(
  client: ApiClient,
  pool: string | undefined,
  opts: { json?: boolean; limit: string; after?: string; follow?: boolean; reason?: string[] },
): Promise<void> {
  // 0 shows none of the past: with --follow, only what happens from now on.
  const limit = wholeNumberFlag('--limit', opts.limit, 0);
  const path = pool ? `/api/v1/pools/${encodeURIComponent(pool)}/events` : '/api/v1/events';
  // The server splits commas and checks the names against its catalog, refusing unknown ones with the valid ones listed.
  const reasons = opts.reason;
  const base = reasons ? `${path}?reason=${encodeURIComponent(reasons.join(','))}&` : `${path}?`;
  const cursor = opts.after ? `&after=${encodeURIComponent(opts.after)}` : '';
  // Up to a page, one request for the newest: the server reads n rows, not the whole history.
  // 0 still asks for one, the place --follow starts from.
  const items = limit <= PAGE_MAX ? (await client.get<EventPage>(`${base}newest=true&limit=${Math.max(1, limit)}${cursor}`)).items : await everyPage(client, base, opts.after);
  const shown = limit === 0 ? [] : items.slice(-limit);
  const line = (e: EventView) => `${e.at}  ${e.pool.padEnd(12)} ${e.reason.padEnd(14)} ${e.message}`;
  if (!opts.follow) {
    if (opts.json) return printJson(shown);
    for (const e of shown) println(line(e));
    return;
  }
  // Following prints one JSON object per line with --json, so a consumer can read it as it comes.
  const show = (e: EventView) => println(opts.json ? JSON.stringify(e) : line(e));
  for (const e of shown) show(e);
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  await followEvents<EventView>(client, pool, items.at(-1)?.id ?? Number(opts.after ?? 0), show, stop.signal, reasons);
}
