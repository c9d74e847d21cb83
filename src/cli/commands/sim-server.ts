import { simServeCommand } from './sim-serve.js';

export interface SimServerOptions {
  host: string;
  port: string;
  state?: string;
  options?: string;
  latency: string;
}

/** What replaces the alias, spelled out once for the notice and the help. */
export const SIM_SERVER_REPLACEMENT = 'flotte sim serve --face flotte --port 7430 (its --latency is --answer-delay there)';

/**
 * `flotte sim-server`: the alias, for one release, of `flotte sim serve --face flotte`. It keeps
 * its flags, its port and its first line; the notice goes to stderr so that scripts reading
 * stdout see what they saw before.
 */
export async function simServerCommand(opts: SimServerOptions): Promise<void> {
  process.stderr.write(`flotte: \`flotte sim-server\` is deprecated and goes in the next release; use ${SIM_SERVER_REPLACEMENT}\n`);
  await simServeCommand({
    face: 'flotte',
    host: opts.host,
    port: opts.port,
    state: opts.state,
    options: opts.options,
    answerDelay: opts.latency,
    banner: 'sim-server',
  });
}
