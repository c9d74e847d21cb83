import { FaceError } from './face.js';
import type { Params } from './query.js';

/**
 * EC2's DryRun: once a request has passed every check the real call makes, it is answered
 * with this error (HTTP 412) instead of being carried out. Each action calls it at that point.
 */
export function stopIfDryRun(p: Params): void {
  if (p.get('DryRun') === 'true') throw new FaceError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.');
}
