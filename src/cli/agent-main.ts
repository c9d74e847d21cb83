import { Command, CommanderError } from 'commander';
import { CliError, DEFAULT_SERVER } from './client.js';
import { registerAgentCommands } from './commands/agent-commands.js';

/**
 * `flotte agent …` alone: bin/flotte.js comes here when the first argument is `agent`, so a
 * machine's agent loads only its own modules and starts in a fraction of the full CLI's time.
 */
const program = new Command('flotte')
  .option('--server <url>', 'flotte API address', process.env.FLOTTE_SERVER ?? DEFAULT_SERVER)
  .exitOverride();
registerAgentCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) process.exit(e.exitCode === 0 ? 0 : 2);
  if (e instanceof CliError) {
    process.stderr.write(`flotte: ${e.message}\n`);
    process.exit(e.exitCode);
  }
  process.stderr.write(`flotte: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
}
