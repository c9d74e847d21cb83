import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { fullBucket, type Bucket } from '../../domain/token-bucket.js';
import { Random, type RandomState } from '../../domain/random.js';
import type { SimCloudOptions } from './options.js';
import type { ActionKind } from '../provider.js';
import type { SimMachine } from './sim-machine.js';

/** What a launch token made: replayed as-is when the same token comes again. */
export interface TokenRecord {
  ids: string[];
  failedCount: number;
  failedMessage?: string | undefined;
}

/** The whole simulated cloud as data: what is saved, and what a restarted sim resumes from. */
export interface SimState {
  version: 1;
  counter: number;
  rng: RandomState;
  machines: SimMachine[];
  tokens: Record<string, TokenRecord>;
  buckets: Record<ActionKind, Bucket>;
  instanceBuckets: { launch: Bucket; terminate: Bucket };
  zoneCapacity: Record<string, number>;
}

/** An empty cloud with full buckets and a generator seeded from the options. */
export function freshState(o: SimCloudOptions, now: number): SimState {
  const full = (spec: { capacity: number; refillPerSecond: number }): Bucket => fullBucket(spec.capacity, spec.refillPerSecond, now);
  return {
    version: 1,
    counter: 0,
    rng: new Random(o.seed).state(),
    machines: [],
    tokens: {},
    buckets: { describe: full(o.buckets.describe), mutate: full(o.buckets.mutate), launch: full(o.buckets.launch) },
    instanceBuckets: { launch: full(o.instanceBuckets.launch), terminate: full(o.instanceBuckets.terminate) },
    zoneCapacity: { ...o.zoneCapacity },
  };
}

export function loadState(path: string): SimState | null {
  if (!existsSync(path)) return null;
  const state = JSON.parse(readFileSync(path, 'utf8')) as SimState;
  if (state.version !== 1) throw new Error(`sim state ${path}: unknown version ${String(state.version)}`);
  return state;
}

/**
 * Replaces the file in one step (temp file, fsync, rename, fsync of the folder): a process
 * killed at any instant leaves either the old state or the new one, never a mix. Machines and
 * their token record travel in the same write, which is what makes launch crash-safe.
 */
export function saveState(path: string, state: SimState): void {
  const tmp = `${path}.${process.pid}.tmp`;
  // The simulated cloud's state is the fleet's too: this user's only, like the rest of the data dir.
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
