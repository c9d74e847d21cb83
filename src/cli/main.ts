import { Command, CommanderError } from 'commander';
import { realClock } from '../clock/clock.js';
import { ApiClient, CliError, DEFAULT_SERVER } from './client.js';
import { applyCommand } from './commands/apply.js';
import { eventsCommand } from './commands/events.js';
import { machinesCommand } from './commands/machines.js';
import { poolsCommand } from './commands/pools.js';
import { scaleCommand } from './commands/scale.js';
import { upCommand } from './commands/up.js';

const program = new Command('flotte')
  .description('Elastic fleet controller: keeps pools of cloud machines at the size their work needs.')
  .option('--server <url>', 'flotte API address', process.env.FLOTTE_SERVER ?? DEFAULT_SERVER)
  .exitOverride()
  .showHelpAfterError();

const client = () => new ApiClient(program.opts<{ server: string }>().server, process.env.FLOTTE_TOKEN);

program
  .command('up')
  .description('run everything in one process (API + controller) on embedded defaults')
  .option('-f, --file <path>', 'flotte.yaml to apply at start (default ./flotte.yaml if present, else the stored config or the built-in demo)')
  .option('--data-dir <dir>', 'where state lives', '.flotte')
  .option('--database <url>', 'postgres://… for PostgreSQL, or a SQLite file (default <data-dir>/state.db)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '7420')
  .option('--interval <ms>', 'pause between controller ticks', '2000')
  .option('--log-level <level>', 'pino log level', 'warn')
  .action(upCommand);

program
  .command('apply')
  .description('validate a flotte.yaml and store it as the desired state; a bad file changes nothing (exit 2)')
  .requiredOption('-f, --file <path>', 'the flotte.yaml')
  .option('--json', 'JSON output')
  .action((opts) => applyCommand(client(), opts));

program.command('pools').description('list pools with machine counts').option('--json', 'JSON output').action((opts) => poolsCommand(client(), opts));

program
  .command('machines')
  .description("list a pool's machines")
  .argument('<pool>')
  .option('--state <state>', 'only machines in this state')
  .option('--json', 'JSON output')
  .action((pool, opts) => machinesCommand(client(), pool, opts));

program
  .command('scale')
  .description("set a pool's desired size")
  .argument('<pool>')
  .argument('<size>')
  .option('--wait', 'wait until exactly <size> machines are ready')
  .option('--timeout <seconds>', 'give up waiting after this long (exit 1)', '600')
  .option('--json', 'JSON output')
  .action((pool, size, opts) => scaleCommand(client(), realClock, pool, size, opts));

program
  .command('events')
  .description('show events (of one pool, or all), oldest first')
  .argument('[pool]')
  .option('--limit <n>', 'show at most the last n', '100')
  .option('--after <id>', 'only events after this id')
  .option('--json', 'JSON output')
  .action((pool, opts) => eventsCommand(client(), pool, opts));

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
