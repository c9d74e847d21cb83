import { CliError } from '../client.js';
import { durationFlag, wholeNumberFlag } from '../flags.js';

/** Flags of `flotte restart|replace|stop|start`, as commander hands them over. */
export interface OperationFlags {
  strategy?: string;
  maxUnavailable?: string;
  batchSize?: string;
  minHealthy?: string;
  canary?: string;
  bake?: string;
  checkpoint?: string[];
  failureThreshold?: string;
  machines?: string;
  selector?: string;
  hard?: boolean;
  dryRun?: boolean;
  wait?: boolean;
  json?: boolean;
}

/** `20%` or `20`. */
export function parseAmount(flag: string, text: string): { count: number } | { percent: number } {
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(text.trim());
  if (!m) throw new CliError(`${flag} takes a count or a percentage (e.g. 20 or 20%), got "${text}"`, 2);
  return m[2] ? { percent: Number(m[1]) } : { count: Math.floor(Number(m[1])) };
}

/** `90`, `90s`, `5m`, `1h` → seconds; 0 is allowed (no wait). */
export function parseSeconds(flag: string, text: string): number {
  return durationFlag(flag, text, { bare: 's', example: '60s, 5m or 1h', zero: true }) / 1000;
}

const positiveInt = (flag: string, text: string): number => wholeNumberFlag(flag, text, 0);

/** The API request body for the flags; a rolling option implies `--strategy rolling`. */
export function operationBody(kind: string, pool: string, f: OperationFlags): Record<string, unknown> {
  const rollingHint = f.maxUnavailable !== undefined || f.batchSize !== undefined;
  const kindOf = f.strategy ?? (rollingHint ? 'rolling' : 'all-at-once');
  if (kindOf !== 'rolling' && kindOf !== 'all-at-once') throw new CliError(`--strategy is rolling or all-at-once, got "${kindOf}"`, 2);
  if (kindOf === 'all-at-once' && rollingHint) throw new CliError('--max-unavailable and --batch-size need --strategy rolling', 2);
  const strategy: Record<string, unknown> = { kind: kindOf };
  if (f.maxUnavailable !== undefined) strategy.maxUnavailable = parseAmount('--max-unavailable', f.maxUnavailable);
  if (f.batchSize !== undefined) strategy.batchSize = positiveInt('--batch-size', f.batchSize);
  if (f.minHealthy !== undefined) strategy.minHealthy = parseAmount('--min-healthy', f.minHealthy);
  if (f.canary !== undefined) strategy.canary = { count: positiveInt('--canary', f.canary), bakeSeconds: f.bake ? parseSeconds('--bake', f.bake) : 0 };
  if (f.checkpoint?.length) strategy.checkpoints = f.checkpoint.map((c) => Number(c.replace(/%$/, '')));
  if (f.failureThreshold !== undefined) strategy.failureThreshold = positiveInt('--failure-threshold', f.failureThreshold);
  const selector = f.selector
    ? Object.fromEntries(
        f.selector.split(',').map((kv) => {
          const [k, v] = kv.split('=');
          if (!k || v === undefined) throw new CliError(`--selector takes key=value pairs separated by commas, got "${f.selector}"`, 2);
          return [k, v];
        }),
      )
    : undefined;
  return {
    kind,
    pool,
    strategy,
    hard: f.hard ?? false,
    ...(f.machines ? { machines: f.machines.split(',').filter(Boolean) } : {}),
    ...(selector ? { selector } : {}),
  };
}
