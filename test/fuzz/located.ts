import { expect } from 'vitest';
import { formatConfigError, type ConfigError } from '../../src/config/load.js';

// What every refused YAML input (flotte.yaml, plan.yaml) must say: where, in the form editors parse.

/** Each error names the file and a line and column that exist in the text, in the form editors parse. */
export function expectLocated(text: string, errors: ConfigError[], file: string): void {
  // Lines end at LF, as the YAML parser (and grep -n) count them; a lone CR stays inside its line.
  const lines = text.split('\n');
  expect(errors.length).toBeGreaterThan(0);
  for (const e of errors) {
    const where = `${formatConfigError(e)} in:\n${text.slice(0, 2_000)}`;
    expect(e.file, where).toBe(file);
    expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines.length, where).toBe(true);
    expect(Number.isInteger(e.col) && e.col >= 1 && e.col <= lines[e.line - 1]!.length + 1, where).toBe(true);
    expect(e.message.length, where).toBeGreaterThan(0);
    expect(e.hint.length, where).toBeGreaterThan(0);
    expect(formatConfigError(e).startsWith(`${file}:${e.line}:${e.col}: ${e.path ? `${e.path}: ` : ''}`), where).toBe(true);
  }
}

export const dotted = (path: readonly (string | number)[]) => path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/** The error a mutation at `path` must produce: at that field or one of its parents, never only "the file". */
export function expectBlamed(text: string, errors: ConfigError[], path: readonly (string | number)[], key?: string): void {
  const target = dotted(path);
  const blamed = errors.find((e) => e.path !== '' && (target === e.path || target.startsWith(`${e.path}.`) || target.startsWith(`${e.path}[`) || e.path.startsWith(`${target}.`)));
  expect(blamed, `no error at or above ${target}: ${errors.map(formatConfigError).join('\n')}\n${text}`).toBeDefined();
  if (key === undefined) return;
  // The line shown has the offending key on it (or just above, for a value written below its key).
  const lines = text.split('\n');
  const near = errors.filter((e) => e.path.includes(key) || e.message.includes(key));
  expect(near.length, `no error names ${key}: ${errors.map(formatConfigError).join('\n')}`).toBeGreaterThan(0);
  for (const e of near) expect(`${lines[e.line - 2] ?? ''}\n${lines[e.line - 1]}`, formatConfigError(e)).toContain(key);
}

