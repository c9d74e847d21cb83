import { readFileSync } from 'node:fs';
import { Argument, Command } from 'commander';
import { realClock } from '../clock/clock.js';
import { ApiClient, DEFAULT_SERVER, resolveToken } from './client.js';
import { registerOperationCommands } from './commands/operations.js';
import { registerHealthCommands } from './commands/healing.js';
import { registerEnvCommands } from './commands/env.js';
import { registerNotificationCommands } from './commands/notifications.js';

// Each command's module is imported when that command runs, so a client command such as
// `flotte env create` starts without loading the server, the controller, the planner or the
// AWS SDK. The modules registered above are light: they only talk to the API.

/** The whole `flotte` command tree; main.ts parses the process's arguments with it, the CLI reference (scripts/reference.ts) reads it. */
export const program = new Command('flotte')
  .description('Elastic fleet controller: keeps pools of cloud machines at the size their work needs.')
  .option('--server <url>', 'flotte API address', process.env.FLOTTE_SERVER ?? DEFAULT_SERVER)
  .option('--token-file <path>', 'file holding the API token (default: FLOTTE_TOKEN, else your `flotte login` sign-in for this server, else <FLOTTE_DATA_DIR or .flotte>/admin-token for a local server)')
  .exitOverride()
  .showHelpAfterError();

// src/cli/ and dist/cli/ both sit two levels below package.json.
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
program.version(pkg.version, '-V, --version', "print flotte's version");

const client = () => {
  const { server, tokenFile } = program.opts<{ server: string; tokenFile?: string }>();
  return new ApiClient(server, resolveToken(server, { tokenFile }));
};

program
  .command('up')
  .description('run everything in one process (API + controller) on embedded defaults')
  .option('-f, --file <path>', 'flotte.yaml to apply at start (default ./flotte.yaml if present, else the stored config or the built-in demo)')
  .option('--data-dir <dir>', 'where state lives', '.flotte')
  .option('--database <url>', 'postgres://… for PostgreSQL, or a SQLite file (default <data-dir>/state.db)')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '7420')
  .option('--interval <duration>', 'pause between controller ticks (e.g. 2s; a bare number counts ms)', '2000')
  .option('--log-level <level>', 'pino log level', 'warn')
  .option('--metrics-need-token', 'serve /metrics only to callers with a token (pools:read)')
  .option('--allow-destroy', 'let the -f file remove stored pools or shrink one by more than half of its machines (else exit 2, nothing changed)')
  .action(async (opts) => (await import('./commands/up.js')).upCommand(opts));

// Separated services from the same binary (see docs/deploy.md): stateless API replicas and controllers sharing the pools.
program
  .command('api')
  .description('run one stateless API replica (run several behind a load balancer)')
  .option('--data-dir <dir>', 'where state lives', '.flotte')
  .option('--database <url>', 'postgres://… (shared by every service), or a SQLite file')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '7420')
  .option('--log-level <level>', 'pino log level', 'warn')
  .action(async (opts) => (await import('./commands/serve.js')).apiCommand(opts));

program
  .command('controller')
  .description('run the control loops; on PostgreSQL several controllers share the pools through fenced leases')
  .option('--data-dir <dir>', 'where state lives', '.flotte')
  .option('--database <url>', 'postgres://… for several controllers; a SQLite file allows exactly one')
  .option('--host <host>', 'address for /healthz, /readyz, /metrics, /status', '127.0.0.1')
  .option('--port <port>', 'port for /healthz, /readyz, /metrics, /status', '7421')
  .option('--interval <duration>', 'pause between controller ticks (e.g. 2s; a bare number counts ms)', '2000')
  .option('--lease <duration>', 'lease period: a dead controller\'s pools move after about this long (e.g. 10s; a bare number counts ms)', '10000')
  .option('--log-level <level>', 'pino log level', 'warn')
  .action(async (opts) => (await import('./commands/serve.js')).controllerCommand(opts));

program
  .command('sim')
  .description('the simulated cloud')
  .command('serve')
  .description('serve one simulated cloud on one port through its faces: the EC2 Query API (--face ec2, the default: the aws provider or any EC2 client), flotte\'s own JSON (--face flotte: a sim provider\'s server:, several controller processes), or both on one sim and one call log (--face both)')
  .option('--face <face>', 'flotte, ec2 or both; with both, EC2 requests go to / and flotte\'s face keeps its paths (/launch, /calls, /healthz, …)', 'ec2')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on (default 4566; 7430 with --face flotte)')
  .option('--zones <list>', 'comma-separated availability zones (default eu-west-1a,eu-west-1b,eu-west-1c; the sim\'s own with --face flotte)')
  .option('--state <file>', 'keep the cloud in this file across restarts')
  .option('--options <json>', 'sim options as JSON (the same fields as a sim provider in flotte.yaml)')
  .option('--request-latency <ms>', 'EC2 face: each request waits this long before the cloud acts (default 0)')
  .option('--answer-delay <ms>', 'flotte face: each mutating answer is held this long after the cloud acted (default 0)')
  .option('--latency <ms>', 'deprecated: the old spelling of --request-latency')
  .option('--images <list>', 'EC2 face: comma-separated image ids RunInstances accepts; others are InvalidAMIID.NotFound (default: the ids it prints at start, see docs/providers/aws.md)')
  .option('--forget-client-token', 'test option: RunInstances ignores ClientToken, so a re-sent launch makes new instances (a careless endpoint)')
  .action(async (opts) => (await import('./commands/sim-serve.js')).simServeCommand(opts));

program
  .command('sim-server')
  .description('deprecated alias of `flotte sim serve --face flotte --port 7430` (its --latency is --answer-delay there); goes in the next release')
  .option('--host <host>', 'address to listen on', '127.0.0.1')
  .option('--port <port>', 'port to listen on', '7430')
  .option('--state <file>', 'persist the cloud here (survives restarts of the server)')
  .option('--options <json>', 'sim options as JSON (the same fields as a sim provider in flotte.yaml)')
  .option('--latency <ms>', 'delay each mutating answer by this much, after the cloud acted (sim serve: --answer-delay)', '0')
  .action(async (opts) => (await import('./commands/sim-server.js')).simServerCommand(opts));

program
  .command('apply')
  .description('validate a flotte.yaml, print its plan (pools added, changed, removed; machines launched and terminated) and store it; a bad file changes nothing (exit 2)')
  .requiredOption('-f, --file <path>', 'the flotte.yaml')
  .option('--dry-run', 'print the plan and change nothing')
  .option('--allow-destroy', 'allow removing pools and shrinking a pool by more than half of its machines (else exit 2, nothing changed)')
  .option('--json', 'JSON output (the plan as data)')
  .action(async (opts) => (await import('./commands/apply.js')).applyCommand(client(), opts));

const config = program.command('config').description('the config flotte runs, as the last `flotte apply` stored it');
config
  .command('show')
  .description("print the stored flotte.yaml exactly as applied, comments included (the built-in demo's until the first apply): `flotte config show > flotte.yaml`, edit it, `flotte apply -f flotte.yaml`. Needs admin or operator: the file can hold credentials")
  .option('--json', 'JSON output: the YAML as source, with revision, appliedAt and cluster')
  .action(async (opts) => (await import('./commands/config.js')).configShowCommand(client(), opts));

program.command('pools').description('list pools with machine counts').option('--json', 'JSON output').action(async (opts) => (await import('./commands/pools.js')).poolsCommand(client(), opts));

program
  .command('explain')
  .description("show a pool's last autoscaling decisions in plain words: inputs, each policy's proposal, what changed it, the result")
  .argument('<pool>')
  .option('--limit <n>', 'how many decisions', '10')
  .option('--json', 'JSON output')
  .action(async (pool, opts) => (await import('./commands/explain.js')).explainCommand(client(), pool, opts));

program
  .command('machines')
  .description("list a pool's machines; ADDRESS is the one to connect to (private first), '-' until the provider reports one")
  .argument('<pool>')
  .option('--state <state>', 'only machines in this state')
  .option('--json', 'JSON output (every address of each machine: kind, value, network)')
  .action(async (pool, opts) => (await import('./commands/machines.js')).machinesCommand(client(), pool, opts));

program
  .command('drift')
  .description("list machines that no longer match their pool's template or settings (drift) or are past maxLifetime, and what their roll-out does")
  .argument('[pool]', 'only this pool')
  .option('--json', 'JSON output')
  .action(async (pool, opts) => (await import('./commands/drift.js')).driftCommand(client(), pool, opts));

program
  .command('scale')
  .description("set a pool's desired size")
  .argument('<pool>')
  .argument('<size>')
  .option('--wait', 'wait until exactly <size> machines are ready')
  .option('--allow-destroy', "let this scale-in terminate more than the pool's blastRadius share (default half) of its healthy machines per minute")
  .option('--timeout <duration>', 'give up waiting after this long, e.g. 90s, 10m (a bare number counts seconds; exit 1)', '600')
  .option('--json', 'JSON output')
  .action(async (pool, size, opts) => (await import('./commands/scale.js')).scaleCommand(client(), realClock, pool, size, opts));

program
  .command('events')
  .description('show events (of one pool, or all), oldest first')
  .argument('[pool]')
  .option('--limit <n>', 'show at most the last n (0: none of the past; with --follow, only new events)', '100')
  .option('--after <id>', 'only events after this id')
  .option('--reason <reasons>', 'only events with this reason, matched exactly (e.g. Died); repeat it or separate with commas for several', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
  .option('-f, --follow', 'keep streaming new events as they happen (reconnects without losing any)')
  .option('--json', 'JSON output')
  .action(async (pool, opts) => (await import('./commands/events.js')).eventsCommand(client(), pool, opts));

program
  .command('plan')
  .description('capacity planner: replay a workload against pool designs on the sim cloud and compare cost and queue delay (runs locally, no server)')
  .requiredOption('-f, --file <path>', 'the plan file (see docs/planner.md)')
  .option('--json', 'JSON output (the full result)')
  .option('--html <file>', 'also write a self-contained HTML report')
  .option('--svg <dir>', 'also write every chart as an SVG file')
  .action(async (opts) => (await import('./commands/plan.js')).planCommand(opts));

program
  .command('login')
  .description('sign in as yourself through the OpenID provider flotte is set up with (auth.oidc): prints a link and a code to confirm on any device (no browser needed here); the sign-in is kept in ~/.config/flotte/credentials.json (mode 0600, FLOTTE_CONFIG_DIR moves it) and used for --server until it expires')
  .option('--json', 'JSON output')
  .action(async (opts) => (await import('./commands/login.js')).loginCommand(program.opts<{ server: string }>().server, realClock, opts));
program
  .command('logout')
  .description('end your sign-in on the server and forget it here')
  .option('--json', 'JSON output')
  .action(async (opts) => (await import('./commands/login.js')).logoutCommand(program.opts<{ server: string }>().server, opts));

const tokens = program.command('tokens').description('API tokens: create (secret shown once), list, revoke');
tokens
  .command('create')
  .description('create a token; its secret is printed once and never stored')
  .requiredOption('--role <role>', 'admin, operator, developer, viewer or pusher (may only push metric samples)')
  .requiredOption('--name <name>', 'who or what holds it')
  .option('--ttl <duration>', 'lifetime, e.g. 12h or 30d (default: until revoked)')
  .option('--json', 'JSON output')
  .action(async (opts) => (await import('./commands/tokens.js')).tokensCreateCommand(client(), opts));
tokens
  .command('bootstrap')
  .description('create the first admin token of a store, once (for `flotte api`/`controller` on PostgreSQL, where no `flotte up` made one); audited; writes it to a new file, mode 0600')
  .requiredOption('--out <path>', 'new file to write the token to (mode 0600)')
  .option('--database <url>', 'postgres://… (the one the services share), or a SQLite file')
  .option('--data-dir <dir>', 'where state lives, for SQLite', '.flotte')
  .option('--name <name>', 'the token\'s name', 'bootstrap-admin')
  .action(async (opts) => (await import('./commands/tokens-bootstrap.js')).tokensBootstrapCommand(opts));
tokens.command('list').description('list tokens (never their secrets)').option('--json', 'JSON output').action(async (opts) => (await import('./commands/tokens.js')).tokensListCommand(client(), opts));
tokens.command('revoke').description('revoke a token by id').argument('<id>').option('--json', 'JSON output').action(async (id, opts) => (await import('./commands/tokens.js')).tokensRevokeCommand(client(), id, opts));

program
  .command('audit')
  .description('show the audit log: who changed what, when, from where')
  .option('--pool <pool>', 'only changes to this pool')
  .option('--since <when>', 'an ISO time, or a duration back from now (1h, 7d)')
  .option('--limit <n>', 'show at most the last n', '100')
  .option('--json', 'JSON output')
  .action(async (opts) => (await import('./commands/audit.js')).auditCommand(client(), realClock.now(), opts));

program
  .command('backup')
  .description('copy the SQLite state to <file> while flotte runs (one consistent snapshot, mode 0600); on PostgreSQL use pg_dump (docs/operations.md)')
  .argument('<file>')
  .option('--data-dir <dir>', 'where state lives', '.flotte')
  .option('--database <file>', 'the SQLite file (default <data-dir>/state.db)')
  .option('--force', 'overwrite <file> if it exists')
  .action(async (file, opts) => (await import('./commands/backup.js')).backupCommand(file, opts));

program
  .command('restore')
  .description('replace the SQLite state with a backup from `flotte backup` (stop flotte first; the replaced file is kept); on PostgreSQL use pg_restore')
  .argument('<file>')
  .option('--data-dir <dir>', 'where state lives', '.flotte')
  .option('--database <file>', 'the SQLite file (default <data-dir>/state.db)')
  .option('--yes', 'do it; without it, only show what would be replaced')
  .action(async (file, opts) => (await import('./commands/backup.js')).restoreCommand(file, opts));

const autoscaling = program.command('autoscaling').description("pause or resume a pool's autoscaler, so a manual `flotte scale` holds");
autoscaling
  .command('pause')
  .description('leave the pool at the size `flotte scale` sets, for a while or until resumed (audited; shown as the AutoscalingPaused condition)')
  .argument('<pool>')
  .option('--for <duration>', 'how long, e.g. 30m, 1h or 2d (default: until resumed)')
  .option('--json', 'JSON output')
  .action(async (pool, opts) => (await import('./commands/autoscaling.js')).autoscalingPauseCommand(client(), pool, opts));
autoscaling
  .command('resume')
  .description('hand the size back to the autoscaler; it decides at its next evaluation')
  .argument('<pool>')
  .option('--json', 'JSON output')
  .action(async (pool, opts) => (await import('./commands/autoscaling.js')).autoscalingResumeCommand(client(), pool, opts));

registerOperationCommands(program, client);
registerHealthCommands(program, client);
registerEnvCommands(program, client);
registerNotificationCommands(program, client);

// Registered last and read when it runs, so the script covers every command above.
program
  .command('completion')
  .description('print a shell completion script: source <(flotte completion bash), or zsh')
  .addArgument(new Argument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
  .action(async (shell: 'bash' | 'zsh') => {
    process.stdout.write((await import('./completion.js')).completionScript(program, shell));
  });
