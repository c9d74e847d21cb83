import { readFileSync } from 'node:fs';
import { ApiRequestError, CliError, type ApiClient } from '../client.js';
import { printJson, println } from '../output.js';
import type { ConfigProblem as Problem } from '../../api/app.js';

export const formatProblem = (p: Problem): string => `${p.file}:${p.line}:${p.col}: ${p.path}: ${p.message} (${p.hint})`;

export async function applyCommand(client: ApiClient, opts: { file: string; json?: boolean }): Promise<void> {
  let source: string;
  try {
    source = readFileSync(opts.file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${opts.file}: ${(e as Error).message}`, 2);
  }
  try {
    const out = await client.request<{ pools: { name: string; desired: number; min: number; max: number }[] }>('POST', '/api/v1/apply', { source, file: opts.file });
    if (opts.json) return printJson(out);
    for (const p of out.pools) println(`pool ${p.name}: desired ${p.desired} (min ${p.min}, max ${p.max})`);
  } catch (e) {
    if (e instanceof ApiRequestError && e.body?.error?.code === 'invalid_config') {
      const problems = (e.body.error.errors ?? []) as Problem[];
      // One plain `file:line:col:` line per problem, so editors and CI annotators can jump to it.
      for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
      throw new CliError(`${opts.file}: ${problems.length} problem(s); nothing was changed`, 2);
    }
    throw e;
  }
}
