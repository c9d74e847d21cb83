import { isAlias, isCollection, isMap, isPair, isScalar, isSeq, visit } from 'yaml';
import type { Document, Node } from 'yaml';

export type Segment = string | number;

/** Where a problem sits in the file; line and col are 1-based, as editors count. */
export interface Position {
  line: number;
  col: number;
}

/** Offsets in a text to 1-based lines and columns. */
export interface LineIndex {
  linePos(offset: number): Position;
}

/**
 * Lines as the YAML parser reads them (a line ends at LF), counted from the text itself: the
 * parser's own LineCounter misses the line breaks inside what it skips while recovering from
 * a syntax error, and then places later errors on an earlier line, past its end.
 */
export function lineIndex(text: string): LineIndex {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return {
    linePos(offset) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid]! <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, col: offset - starts[lo]! + 1 };
    },
  };
}

/**
 * Finds the node a path names and returns where it starts. `key` points at the key of the
 * last segment (unknown fields, bad names); `value` at its value. When the path leaves the
 * document (a missing field), the deepest node that exists is used: the parent map.
 */
export function locate(doc: Document, lines: LineIndex, path: readonly Segment[], at: 'key' | 'value'): Position {
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

/**
 * Maps or lists used as keys (`? [a, b]`, `? {a: 1}`): they name nothing in flotte's files. Found
 * before the document is turned into values, where the YAML library would make them text and print
 * a Node warning about its own options on the user's terminal.
 */
export function collectionKeys(doc: Document, lines: LineIndex): (Position & { path: string; message: string; hint: string })[] {
  const out: (Position & { path: string; message: string; hint: string })[] = [];
  visit(doc, {
    Pair(_, pair, ancestors) {
      if (!isCollection(pair.key)) return;
      const path = ancestors.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : '?'));
      out.push({ ...lines.linePos(pair.key.range?.[0] ?? 0), path: formatPath(path), message: 'a key must be plain text, not a map or a list', hint: 'write the key as a name (letters, digits, dashes)' });
    },
  });
  return out;
}
