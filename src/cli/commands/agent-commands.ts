import type { Command } from 'commander';

/** Loaded when an agent command runs, so registering the commands costs nothing (the rest of the CLI registers them too). */
const agentModule = () => import('./agent.js');

/** `flotte agent` and `flotte agent busy`; light on imports, since every machine starts it. */
export function registerAgentCommands(program: Command): void {
  const agent = program
    .command('agent')
    .description('run the machine agent: join the pool, heartbeat, drain on order')
    .option('--identity <source>', 'where the machine id comes from: env, aws (IMDSv2) or openstack (metadata service)', 'env')
    .option('--machine-id <id>', 'the machine id (identity env; default FLOTTE_MACHINE_ID)')
    .option('--metadata-url <url>', 'metadata service address (default http://169.254.169.254)')
    .option('--metadata-timeout <ms>', 'per metadata request', '2000')
    .option('--whoami', 'print the identity and exit')
    .option('--pool <pool>', 'pool to join (default FLOTTE_POOL)')
    .option('--join-token <token>', 'the join token from user-data, or one minted by GET /api/v1/pools/<pool>/join-token (default FLOTTE_JOIN_TOKEN); the join returns the credential heartbeats use')
    .option('--port <port>', 'local endpoint port; 0 picks one (default FLOTTE_AGENT_PORT or 7421)')
    .option('--dir <dir>', 'machine directory (local machines): the chosen port is written there')
    .option('--orphan-after <duration>', 'exit (code 1) after this long without reaching the controller, e.g. 10m (default FLOTTE_ORPHAN_AFTER_MS, else never)')
    .option('--log-level <level>', 'pino log level', 'info')
    .action(async (opts) => (await agentModule()).agentCommand(program.opts<{ server: string }>().server, opts));
  agent
    .command('busy')
    .description('tell the local agent that work started (+1) or ended (-1)')
    .argument('<delta>', '+1 or -1')
    .option('--port <port>', 'agent port (default FLOTTE_AGENT_PORT or 7421)')
    .option('--dir <dir>', 'machine directory holding the agent port')
    .allowUnknownOption()
    // `--port` and `--dir` may land on the parent `agent` command, which declares the same names.
    .action(async (delta: string, opts: { port?: string; dir?: string }) => (await agentModule()).agentBusyCommand(delta, { port: opts.port ?? agent.opts<{ port?: string }>().port, dir: opts.dir ?? agent.opts<{ dir?: string }>().dir }));

}
