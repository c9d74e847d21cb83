import crypto from 'node:crypto';
import { syncBuiltinESMExports } from 'node:module';
import { Random } from '../domain/random.js';

/**
 * Makes `randomUUID` (launch intents, operations) and `randomBytes` (environments, join keys) draw from a seeded generator while `work`
 * runs, so a replayed schedule makes the same ids in the same order, and so the same store
 * ordering and the same run. The campaign runs one schedule at a time per process.
 */
export async function withSeededIds<T>(seed: number, work: () => Promise<T>): Promise<T> {
  const original = crypto.randomUUID;
  const originalBytes = crypto.randomBytes;
  const rng = new Random(seed ^ 0x1d5);
  const hex = (n: number) => Array.from({ length: n }, () => rng.int(16).toString(16)).join('');
  crypto.randomUUID = (() => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`) as typeof crypto.randomUUID;
  // Environment ids and agent join keys: without this a replay makes other environments, so another run.
  crypto.randomBytes = ((size: number, cb?: unknown) => (cb === undefined ? Buffer.from(Array.from({ length: size }, () => rng.int(256))) : originalBytes(size, cb as never))) as typeof crypto.randomBytes;
  syncBuiltinESMExports();
  try {
    return await work();
  } finally {
    crypto.randomUUID = original;
    crypto.randomBytes = originalBytes;
    syncBuiltinESMExports();
  }
}
