import { FaceError } from './face.js';
import type { Filter } from './query.js';

/**
 * EC2's filter values: `*` is any run of characters, `?` exactly one, and a backslash makes the
 * next character literal (`\*`, `\?`, `\\`). Values are case sensitive and match the whole string.
 */
export function wildcard(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '*') re += '[\\s\\S]*';
    else if (c === '?') re += '[\\s\\S]';
    else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** What one filter name reads from an item: a value, several (any may match), or none. */
export type Reader<T> = (item: T) => string | readonly string[] | undefined;

/**
 * A resource's filters, checked when the request arrives (EC2 refuses an unknown filter name
 * even when nothing would be compared) and then applied: filters AND, a filter's values OR.
 * `tags` adds `tag:<key>`, and unless `keyedOnly`, `tag-key` and `tag-value`.
 */
export function compileFilters<T>(
  filters: Filter[],
  readers: Record<string, Reader<T>>,
  tags?: (item: T) => Record<string, string>,
  keyedOnly = false,
): (item: T) => boolean {
  const tests = filters.map((f): ((item: T) => boolean) => {
    const patterns = f.values.map(wildcard);
    const any = (v: string | readonly string[] | undefined) => (v === undefined ? false : (typeof v === 'string' ? [v] : v).some((s) => patterns.some((p) => p.test(s))));
    if (tags && f.name.startsWith('tag:')) {
      const key = f.name.slice(4);
      return (item) => any(tags(item)[key]);
    }
    if (tags && !keyedOnly && f.name === 'tag-key') return (item) => any(Object.keys(tags(item)));
    if (tags && !keyedOnly && f.name === 'tag-value') return (item) => any(Object.values(tags(item)));
    const read = readers[f.name];
    if (!read) throw new FaceError('InvalidParameterValue', `The filter '${f.name}' is invalid`);
    return (item) => any(read(item));
  });
  return (item) => tests.every((t) => t(item));
}
