import { ApiRequestError, CliError, type ApiClient } from '../client.js';
import { printJson } from '../output.js';
import type { StoredConfig } from '../../api/contract/index.js';

/**
 * `flotte config show`: the YAML the last apply stored, byte for byte, so that
 * `flotte config show > flotte.yaml` gives a file `flotte apply -f` takes back as a no-op.
 */
export async function configShowCommand(client: ApiClient, opts: { json?: boolean }): Promise<void> {
  let stored: StoredConfig;
  try {
    stored = await client.get<StoredConfig>('/api/v1/config');
  } catch (e) {
    // Nothing stored is not a bad command line: the server has no config to show (exit 1, not 2).
    if (e instanceof ApiRequestError && e.body?.error?.code === 'not_found') throw new CliError(e.message, 1);
    throw e;
  }
  if (opts.json) return printJson(stored);
  process.stdout.write(stored.source);
  // Only for a person reading it: into a file the text goes exactly as applied.
  if (!stored.source.endsWith('\n') && process.stdout.isTTY) process.stdout.write('\n');
}
