import { bucketMs } from '../src/domain/operations/estimate.js';

/**
 * Physical bounds for bulk operations: the shortest time any executor could take, given the
 * cloud's request and instance buckets and the boot (or reboot) times the cloud actually drew
 * in this run. They leave out everything that is flotte's own choice (how often the controller
 * ticks, how often the executor steps, how long a machine waits to be noticed), so a ratio
 * measured / bound shows what flotte's pacing costs. A health check would add its first passing
 * probe per machine; the bench pools have none, so `healthMs` is 0 there.
 *
 *   one wave (all at once):  bound = max over calls c of ( send(c) + max boot of the machines in c ) + healthMs
 *     send(c) = max( bucketMs(c, request bucket), bucketMs(machines in calls 1..c, instance bucket) )
 *     (bucketMs(n, b): time until the n-th request, sent as fast as allowed, finds a token)
 *
 *   sliding window of w:     each machine k, in launch order, starts when the earliest of the w
 *     slots frees and the instance bucket has its token; it ends boot(k) + healthMs later; the
 *     bound is the last end. The request bucket is left out (an ideal executor folds the starts
 *     of one instant into one call), which only lowers the bound.
 */
export interface Pace {
  tokens: number;
  refillPerSecond: number;
}

/** One provider call of a wave: the boot or reboot time of each machine it carried, in ms. */
export type Call = readonly number[];

export function waveBound(calls: readonly Call[], request: Pace, instances?: Pace, healthMs = 0): number {
  let machines = 0;
  let end = 0;
  calls.forEach((boots, c) => {
    machines += boots.length;
    const send = Math.max(bucketMs(c + 1, request), instances ? bucketMs(machines, instances) : 0);
    end = Math.max(end, send + Math.max(0, ...boots));
  });
  return end + healthMs;
}

export function slidingBound(boots: readonly number[], window: number, instances?: Pace, healthMs = 0): number {
  // Slot free times; w is at most a few hundred, so a sorted array beats a heap in clarity.
  const free: number[] = Array.from({ length: Math.min(window, boots.length) }, () => 0);
  let end = 0;
  boots.forEach((boot, k) => {
    free.sort((a, b) => a - b);
    const start = Math.max(free[0]!, instances ? bucketMs(k + 1, instances) : 0);
    free[0] = start + boot + healthMs;
    end = Math.max(end, free[0]);
  });
  return end;
}

/** Splits ids (in send order) into calls of at most `perCall`, as the provider contract does. */
export function calls<T>(xs: readonly T[], perCall: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < xs.length; at += perCall) out.push(xs.slice(at, at + perCall));
  return out;
}
