import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import type { YAMLError } from 'yaml';
import type { AppliedConfig } from '../store/store.js';
import { toApplied } from './applied.js';
import { crossChecks } from './checks.js';
import { environmentChecks, type ConfigEnvironment } from './environment-checks.js';
import { describeIssue } from './issues.js';
import type { Problem } from './issues.js';
import { collectionKeys, formatPath, lineIndex, locate, type LineIndex } from './locate.js';
import { FleetConfigSchema } from './schema.js';
import type { FleetConfig } from './schema.js';

export { toApplied } from './applied.js';
export type { ConfigEnvironment } from './environment-checks.js';

/** One problem in a config file, placed where an editor can jump to it. */
export interface ConfigError {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  col: number;
  /** Dotted field path, e.g. `pools.analysis.min`; empty for the file as a whole. */
  path: string;
  /** What is wrong. */
  message: string;
  /** What to do about it. */
  hint: string;
}

export type ParseResult =
  | { ok: true; config: FleetConfig; applied: AppliedConfig }
  | { ok: false; errors: ConfigError[] };

/**
 * THE check of a config, for every door that takes one (`flotte up -f`, `flotte apply` and its
 * API route, the services that load the stored config): the file on its own (parseConfig) and
 * what it names outside itself (environmentChecks), resolved where the providers will run.
 */
export function validateConfig(text: string, file: string, env: ConfigEnvironment): ParseResult {
  return check(text, file, (raw) => environmentChecks(raw, env));
}

/** validateConfig bound to one environment: what a composition root hands the API. */
export const configValidator =
  (env: ConfigEnvironment) =>
  (text: string, file: string): ParseResult =>
    validateConfig(text, file, env);

/**
 * Parses and checks a flotte.yaml on its own, without looking at the environment (the planner,
 * tests); a config that will drive providers goes through validateConfig. Never stops at the
 * first problem: syntax errors are all reported together, and otherwise every schema,
 * cross-reference and environment problem is, in file order.
 */
export function parseConfig(text: string, file: string): ParseResult {
  return check(text, file, () => []);
}

function check(text: string, file: string, outside: (raw: unknown) => Problem[]): ParseResult {
  const lines = lineIndex(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { ok: false, errors: doc.errors.map((e) => syntaxError(e, file, lines)) };
  }
  const keys = collectionKeys(doc, lines);
  if (keys.length > 0) return { ok: false, errors: keys.map((k) => ({ file, ...k })) };
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, errors: [{ file, line: 1, col: 1, path: '', message: lowerFirst(message), hint: 'simplify the anchors and aliases' }] };
  }

  // A file with nothing in it (truncated, never written, only comments) would otherwise read as
  // "no pools" and drain the whole fleet: an empty fleet has to be said out loud (`pools: {}`).
  if (raw === null || raw === undefined) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: '', message: 'the file is empty (no YAML document, or only comments)', hint: EMPTY_HINT }] };
  }

  const result = FleetConfigSchema.safeParse(raw, { reportInput: true });
  const problems: Problem[] = result.success
    ? []
    : result.error.issues.flatMap((issue) => describeIssue(issue, FleetConfigSchema, raw));
  // A field the schema already rejected would only get a second, vaguer message.
  const seen = new Set(problems.map((p) => formatPath(p.path)));
  problems.push(...[...crossChecks(raw), ...outside(raw)].filter((p) => !seen.has(formatPath(p.path))));

  if (problems.length > 0 || !result.success) {
    const errors = problems.map((p): ConfigError => ({
      file,
      ...locate(doc, lines, p.path, p.at),
      path: formatPath(p.path),
      message: p.message,
      hint: p.hint,
    }));
    errors.sort((a, b) => a.line - b.line || a.col - b.col);
    return { ok: false, errors };
  }
  return { ok: true, config: result.data, applied: toApplied(result.data, text) };
}

/** Reads and parses a file; an unreadable file is reported as a ConfigError too. */
export async function loadConfigFile(path: string): Promise<ParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? String(e)})`;
    return { ok: false, errors: [{ file: path, line: 1, col: 1, path: '', message, hint: 'check the path and its permissions' }] };
  }
  return parseConfig(text, path);
}

/** `file:line:col: field.path: what is wrong (what to do)`, the form editors and CI parse. */
export function formatConfigError(e: ConfigError): string {
  const where = e.path ? `${e.path}: ` : '';
  return `${e.file}:${e.line}:${e.col}: ${where}${e.message} (${e.hint})`;
}

const EMPTY_HINT = 'write the providers, templates and pools to keep; to remove every pool on purpose, apply `pools: {}` with --allow-destroy';

const SYNTAX_HINTS: Record<string, string> = {
  DUPLICATE_KEY: 'remove or rename one of the two',
  TAB_AS_INDENT: 'indent with spaces, not tabs',
  BAD_INDENT: 'align fields of one map at the same column, nested ones further right',
  MISSING_CHAR: 'close the bracket or quote',
  BLOCK_AS_IMPLICIT_KEY: 'put the nested map on its own lines, indented',
  MULTILINE_IMPLICIT_KEY: 'keep each key and its colon on one line',
  UNEXPECTED_TOKEN: 'check the indentation and quoting around here',
};

function syntaxError(e: YAMLError, file: string, lines: LineIndex): ConfigError {
  const { line, col } = lines.linePos(e.pos[0]);
  return {
    file,
    line,
    col,
    path: '',
    message: `YAML syntax: ${lowerFirst(e.message)}`,
    hint: SYNTAX_HINTS[e.code] ?? 'fix the YAML syntax here',
  };
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
