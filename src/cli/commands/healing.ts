import type { Command } from 'commander';
import type { ApiClient } from '../client.js';
import { printJson, println } from '../output.js';
import { registerAgentCommands } from './agent-commands.js';
import type { Protection, Resumed } from '../../api/contract/index.js';

/**
 * `flotte agent` (+ `agent busy`), `flotte pools resume-healing`, `flotte machines protect|unprotect`.
 * Registered onto the existing `pools` and `machines` commands as subcommands.
 */
export function registerHealthCommands(program: Command, client: () => ApiClient): void {
  registerAgentCommands(program);

  const pools = program.commands.find((c) => c.name() === 'pools')!;
  pools
    .command('resume-healing')
    .description('resume automatic replacement after the mass-failure brake paused it')
    .argument('<pool>')
    .option('--json', 'JSON output')
    .action(async (pool: string, opts: { json?: boolean }) => {
      const out = await client().request<Resumed>('POST', `/api/v1/pools/${encodeURIComponent(pool)}/resume-healing`);
      if (opts.json) return printJson(out);
      println(out.resumed ? `healing resumed for ${out.pool}` : `healing was not paused for ${out.pool}`);
    });

  const machines = program.commands.find((c) => c.name() === 'machines')!;
  for (const [name, value] of [['protect', true], ['unprotect', false]] as const) {
    machines
      .command(name)
      .description(value ? 'protect a machine from scale-in' : 'lift scale-in protection')
      .argument('<id>')
      .option('--json', 'JSON output')
      .action(async (id: string, opts: { json?: boolean }) => {
        const out = await client().request<Protection>('PUT', `/api/v1/machines/${encodeURIComponent(id)}/protection`, { protected: value });
        if (opts.json) return printJson(out);
        println(`${out.id}: scale-in protection ${out.protected ? 'on' : 'off'}`);
      });
  }
}
