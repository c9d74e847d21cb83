import { readFileSync } from 'node:fs';
import { ApiRequestError, CliError, type ApiClient } from '../client.js';
import { printJson, println } from '../output.js';
import type { ApplyAnswer, ConfigProblem as Problem } from '../../api/contract/index.js';

export const formatProblem = (p: Problem): string => `${p.file}:${p.line}:${p.col}: ${p.path ? `${p.path}: ` : ''}${p.message} (${p.hint})`;

export interface ApplyOptions {
  file: string;
  dryRun?: boolean;
  allowDestroy?: boolean;
  json?: boolean;
}

/** Prints the plan, then applies it unless it is a dry run; a destructive plan needs --allow-destroy. */
export async function applyCommand(client: ApiClient, opts: ApplyOptions): Promise<void> {
  let source: string;
  try {
    source = readFileSync(opts.file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${opts.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message} (check the path)`, 2);
  }
  try {
    const out = await client.request<ApplyAnswer>('POST', '/api/v1/apply', { source, file: opts.file, dryRun: opts.dryRun === true, allowDestroy: opts.allowDestroy === true });
    if (opts.json) return printJson(out);
    for (const line of out.lines) println(line);
    if (out.dryRun) return println('Dry run: nothing was changed.');
    println(`Applied ${opts.file}.`);
  } catch (e) {
    if (!(e instanceof ApiRequestError)) throw e;
    const error = e.body?.error;
    if (error?.code === 'invalid_config') {
      const problems = (error.errors ?? []) as Problem[];
      // One plain `file:line:col:` line per problem, so editors and CI annotators can jump to it.
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
      throw new CliError(`${opts.file}: ${problems.length} problem(s); nothing was changed`, 2);
    }
    if (error?.code === 'destroy_not_allowed') {
      const lines = ((error as { lines?: string[] }).lines ?? []);
      if (opts.json) printJson(error);
      else for (const line of lines) println(line);
      throw new CliError(error.message, 2);
    }
    throw e;
  }
}
