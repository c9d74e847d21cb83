import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node } from 'yaml';

export type Segment = string | number;

/** Where a problem sits in the file; line and col are 1-based, as editors count. */
export interface Position {
  line: number;
  col: number;
}

/**
 * Finds the node a path names and returns where it starts. `key` points at the key of the
 * last segment (unknown fields, bad names); `value` at its value. When the path leaves the
 * document (a missing field), the deepest node that exists is used: the parent map.
 */
export function locate(doc: Document, lines: LineCounter, path: readonly Segment[], at: 'key' | 'value'): Position {
  let node: unknown = doc.contents;
  let key: Node | undefined;
  let complete = true;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
      if (!pair) {
        complete = false;
        break;
      }
      key = pair.key as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
      key = undefined;
      node = node.items[segment];
    } else {
      complete = false;
      break;
    }
  }
  const valueStart = startOf(node);
  const keyStart = key?.range?.[0];
  const empty = isScalar(node) && node.value === null && node.source === '';
  const offset =
    complete && at === 'key' ? (keyStart ?? valueStart) : empty ? (keyStart ?? valueStart) : (valueStart ?? keyStart);
  return offset === undefined ? { line: 1, col: 1 } : lines.linePos(offset);
}

function startOf(node: unknown): number | undefined {
  if (node && typeof node === 'object' && 'range' in node) {
    const range = (node as Node).range;
    return range?.[0];
  }
  return undefined;
}

/** `pools.analysis.zones[0]`: the form every message and `--json` output uses. */
export function formatPath(path: readonly Segment[]): string {
  return path
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}
