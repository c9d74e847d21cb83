import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { ConfigError } from '../config/load.js';
import { describeIssue, type Problem } from '../config/issues.js';
import { collectionKeys, formatPath, lineIndex, locate } from '../config/locate.js';
import { PlanSchema, type Plan } from './schema.js';

export type PlanParseResult = { ok: true; plan: Plan } | { ok: false; errors: ConfigError[] };

const HINTS: Record<string, string> = {
  'workload.trace': 'write one of daily: {base, peak, …}, csv: <file or rows> or constant: <work per second>',
};

/**
 * Parses and checks a plan file; every problem is reported at once, with the line and column
 * an editor jumps to, in the same form as flotte.yaml's errors. Reads no file: a CSV trace
 * named by path is left for `readTraceFiles`, so the API can refuse paths.
 */
export function parsePlan(text: string, file: string): PlanParseResult {
  const lines = lineIndex(text);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file, ...lines.linePos(e.pos[0]), path: '', message: `YAML syntax: ${e.message}`, hint: 'fix the YAML syntax here' })),
    };
  }
  const keys = collectionKeys(doc, lines);
  if (keys.length > 0) return { ok: false, errors: keys.map((k) => ({ file, ...k })) };
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (e) {
    return { ok: false, errors: [{ file, line: 1, col: 1, path: '', message: String((e as Error).message ?? e), hint: 'simplify the anchors and aliases' }] };
  }
  const result = PlanSchema.safeParse(raw ?? {}, { reportInput: true });
  if (result.success) return { ok: true, plan: result.data };
  const problems: Problem[] = result.error.issues.flatMap((issue) => describeIssue(issue, PlanSchema, raw));
  const errors = problems.map((p): ConfigError => {
    const path = formatPath(p.path);
    return { file, ...locate(doc, lines, p.path, p.at), path, message: p.message, hint: HINTS[path] ?? p.hint };
  });
  errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return { ok: false, errors };
}

/** A CSV trace given inline (it has a line break or a comma) rather than as a path. */
export function isInlineCsv(csv: string): boolean {
  return csv.includes('\n') || csv.includes(',');
}

/** Replaces a CSV trace's path (relative to the plan file) with the file's text. */
export async function readTraceFiles(plan: Plan, planFile: string): Promise<Plan> {
  const trace = plan.workload.trace;
  if (!('csv' in trace) || isInlineCsv(trace.csv)) return plan;
  const path = resolve(dirname(planFile), trace.csv);
  const csv = await readFile(path, 'utf8');
  return { ...plan, workload: { ...plan.workload, trace: { ...trace, csv } } };
}

/** Reads, parses and resolves a plan file; an unreadable file is a located error too. */
export async function loadPlanFile(path: string): Promise<PlanParseResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return { ok: false, errors: [{ file: path, line: 1, col: 1, path: '', message: `cannot read the file (${(e as NodeJS.ErrnoException).code ?? String(e)})`, hint: 'check the path' }] };
  }
  const parsed = parsePlan(text, path);
  if (!parsed.ok) return parsed;
  try {
    return { ok: true, plan: await readTraceFiles(parsed.plan, path) };
  } catch (e) {
    const trace = parsed.plan.workload.trace as { csv: string };
    return { ok: false, errors: [{ file: path, line: 1, col: 1, path: 'workload.trace.csv', message: `cannot read trace ${trace.csv} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, hint: 'give a path relative to the plan file' }] };
  }
}
