import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app.js';
import { issueToken } from '../../src/api/tokens.js';
import { realClock } from '../../src/clock/clock.js';
import { parseConfig } from '../../src/config/load.js';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';

export interface CliServer {
  store: Store;
  app: FastifyInstance;
  /** The API address to pass the real `flotte` binary (`--server`). */
  server: string;
  /** An admin token for the CLI, as FLOTTE_TOKEN. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** A real API on a loopback port over an in-memory store holding `fleet`: what CLI tests talk to. */
export async function cliServer(fleet: string): Promise<CliServer> {
  const store = await openStore(':memory:');
  const parsed = parseConfig(fleet, 'flotte.yaml');
  if (!parsed.ok) throw new Error('fixture must parse');
  await store.applyConfig(parsed.applied, realClock.now());
  const app = await buildApp({ store, clock: realClock, parseConfig });
  const server = await app.listen({ host: '127.0.0.1', port: 0 });
  const { secret } = await issueToken(store, { name: 'cli-test', role: 'admin', createdBy: 'test' }, realClock.now());
  return {
    store,
    app,
    server,
    env: { FLOTTE_TOKEN: secret },
    async close() {
      await app.close();
      await store.close();
    },
  };
}
