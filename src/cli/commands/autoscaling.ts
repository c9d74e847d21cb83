import { CliError, type ApiClient } from '../client.js';
import { printJson, println } from '../output.js';
import type { AutoscalingPaused, Resumed } from '../../api/contract/index.js';

/** `flotte autoscaling pause POOL [--for 1h]`: a person takes the pool's size over. */
export async function autoscalingPauseCommand(client: ApiClient, pool: string, opts: { for?: string; json?: boolean }): Promise<void> {
  if (opts.for !== undefined && !/^(\d+[smhd])+$/.test(opts.for)) throw new CliError(`--for must be a duration like 30m, 1h or 2d, got "${opts.for}" (leave it out to pause until resumed)`, 2);
  const out = await client.request<AutoscalingPaused>('POST', `/api/v1/pools/${encodeURIComponent(pool)}/autoscaling/pause`, opts.for === undefined ? {} : { for: opts.for });
  if (opts.json) return printJson(out);
  println(`autoscaling of ${out.pool} paused ${out.until ? `until ${out.until}` : 'until resumed'}: \`flotte scale ${out.pool} N\` sets the size; \`flotte autoscaling resume ${out.pool}\` hands it back`);
}

/** `flotte autoscaling resume POOL`: the autoscaler sets the size again at its next evaluation. */
export async function autoscalingResumeCommand(client: ApiClient, pool: string, opts: { json?: boolean }): Promise<void> {
  const out = await client.request<Resumed>('POST', `/api/v1/pools/${encodeURIComponent(pool)}/autoscaling/resume`);
  if (opts.json) return printJson(out);
  println(out.resumed ? `autoscaling of ${out.pool} resumed: it sets the size at its next evaluation` : `autoscaling of ${out.pool} was not paused`);
}
