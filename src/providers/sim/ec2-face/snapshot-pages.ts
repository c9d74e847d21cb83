import { randomUUID } from 'node:crypto';
import { FaceError, type Ec2Face } from './face.js';
import { int, type Params } from './query.js';

export interface Pager {
  /** One page of what `all` returns now, or of what an earlier page left behind its NextToken. */
  take<T>(all: () => T[]): { page: T[]; nextToken?: string };
}

/**
 * MaxResults/NextToken for the small, static listings (tags, subnets): checked when the request
 * arrives, so a dry run or a refused request never spends a token; the rest of a listing is
 * kept whole behind one token, as EC2's snapshots are.
 */
export function pager(face: Ec2Face, action: string, p: Params): Pager {
  const max = int(p, 'MaxResults');
  if (max !== undefined && !(max >= 5 && max <= 1000)) throw new FaceError('InvalidParameterValue', `Value (${max}) for parameter maxResults is invalid. Expecting a value between 5 and 1000.`);
  const token = p.get('NextToken');
  if (token !== undefined && face.snapshots.get(token)?.action !== action) throw new FaceError('InvalidParameterValue', `The pagination token '${token}' is invalid`);
  return {
    take<T>(all: () => T[]) {
      let rest: T[];
      if (token !== undefined) {
        rest = face.snapshots.get(token)!.rest as T[];
        face.snapshots.delete(token);
      } else rest = all();
      const size = max ?? 1000;
      if (rest.length <= size) return { page: rest };
      const next = randomUUID();
      face.snapshots.set(next, { action, rest: rest.slice(size) });
      return { page: rest.slice(0, size), nextToken: next };
    },
  };
}
