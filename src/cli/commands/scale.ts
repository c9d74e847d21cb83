import { SingleBar } from 'cli-progress';
import type { Clock } from '../../clock/clock.js';
import { CliError, type ApiClient } from '../client.js';
import { durationFlag } from '../flags.js';
import { waitOrInterrupt } from '../interrupt.js';
import { printJson, println } from '../output.js';
import type { DesiredChange, PoolSummary } from '../../api/contract/index.js';

const LIVE = ['requested', 'launching', 'booting', 'ready', 'rebooting', 'unhealthy', 'draining', 'terminating'] as const;

/** Converged: exactly `desired` machines exist and all of them are ready. */
export function converged(p: PoolSummary): boolean {
  const present = LIVE.reduce((n, s) => n + (p.counts[s] ?? 0), 0);
  return p.ready === p.desired && present === p.desired;
}

export async function scaleCommand(
  client: ApiClient,
  clock: Clock,
  pool: string,
  size: string,
  opts: { wait?: boolean; timeout: string; json?: boolean; allowDestroy?: boolean },
): Promise<void> {
  const desired = Number(size);
  if (!Number.isInteger(desired) || desired < 0) throw new CliError(`size must be a whole number ≥ 0, got "${size}"`, 2);
  const timeoutMs = durationFlag('--timeout', opts.timeout, { bare: 's', example: '90s, 5m or 1h' });
  const path = `/api/v1/pools/${encodeURIComponent(pool)}`;
  // Read first only to say how to undo, should the wait be interrupted.
  const previous = opts.wait ? (await client.get<PoolSummary>(path)).desired : undefined;
  const set = await client.request<DesiredChange>('PUT', `${path}/desired`, { desired, ...(opts.allowDestroy ? { allowDestroy: true } : {}) });
  // An autoscaled pool's size is the autoscaler's to set: say so where a person looks, not in the JSON on stdout.
  if (set.autoscaling && !set.autoscaling.paused) process.stderr.write(`flotte: warning: ${set.autoscaling.message}\n`);
  if (!opts.wait) {
    if (opts.json) return printJson({ pool, desired, autoscaling: set.autoscaling ?? null });
    return println(`pool ${pool}: desired ${desired}`);
  }
  const deadline = clock.now() + timeoutMs;
  const bar = process.stderr.isTTY && !opts.json ? new SingleBar({ format: `${pool} [{bar}] {value}/{total} ready | {present} present`, stream: process.stderr }) : null;
  bar?.start(desired, 0, { present: 0 });
  const notice = () => `stopped waiting; pool ${pool} goes on toward ${desired} on the server (follow: flotte pools; undo: flotte scale ${pool} ${previous})`;
  await waitOrInterrupt(notice, async () => {
    for (;;) {
      const p = await client.get<PoolSummary>(path);
      const present = LIVE.reduce((n, s) => n + (p.counts[s] ?? 0), 0);
      bar?.update(Math.min(p.ready, desired), { present });
      if (converged(p)) return;
      if (clock.now() > deadline) {
        bar?.stop();
        throw new CliError(`timed out after ${Math.round(timeoutMs / 1000)}s: ${p.ready} of ${desired} ready, ${present} present; pool ${pool} goes on toward ${desired} on the server (undo: flotte scale ${pool} ${previous})`, 1);
      }
      await clock.sleep(500);
    }
  });
  bar?.stop();
  if (opts.json) return printJson({ pool, desired, ready: desired });
  println(`pool ${pool}: ${desired} ready`);
}
