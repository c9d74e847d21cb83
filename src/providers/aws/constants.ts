import type { ProviderLimits } from '../provider.js';

/** Every EC2 limit and TTL the aws provider uses, in one place. */

/** EC2 takes up to 1,000 ids in one terminate, reboot, stop or start call. */
export const IDS_PER_CALL = 1000;
/** DescribeInstanceStatus takes up to 100 ids per call. */
export const STATUS_IDS_PER_CALL = 100;
/** Instances per DescribeInstances page (EC2's MaxResults ceiling). */
export const PAGE_SIZE = 1000;
/**
 * Pool names per DescribeInstances walk when a controller lists only the pools it holds: they go
 * as the values of one `tag:flotte:pool` filter, which EC2 matches as OR. A bound of flotte's
 * own, not one EC2 documents: it keeps each request small, and 100 pools is one walk.
 */
export const POOLS_PER_FILTER = 100;
/** A just-launched instance may be unknown to EC2's read and mutate calls this long. */
export const LIST_GRACE_MS = 60_000;
/** Health (DescribeInstanceStatus) is re-read at most this often; list() reuses it in between. */
export const HEALTH_REFRESH_MS = 15_000;
/** Rounds a batch call is re-sent after EC2 named unknown or wrong-state ids in it. */
export const MAX_BATCH_ROUNDS = 3;

/**
 * EC2's documented token buckets (request rate: describe 100 refill 20/s, mutate 200 refill
 * 5/s, RunInstances 5 refill 2/s; resource rate: 1,000 instances refill 2/s for launch and
 * start, 1,000 refill 20/s for terminate and stop).
 */
export const EC2_LIMITS: ProviderLimits = {
  idsPerCall: IDS_PER_CALL,
  launchPerCall: 1000,
  buckets: {
    describe: { capacity: 100, refillPerSecond: 20 },
    mutate: { capacity: 200, refillPerSecond: 5 },
    launch: { capacity: 5, refillPerSecond: 2 },
  },
  listGraceMs: LIST_GRACE_MS,
  pageSize: PAGE_SIZE,
  machineBuckets: {
    launch: { capacity: 1000, refillPerSecond: 2 },
    terminate: { capacity: 1000, refillPerSecond: 20 },
  },
};
