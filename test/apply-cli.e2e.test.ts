import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.js';
import { issueToken } from '../src/api/tokens.js';
import { realClock } from '../src/clock/clock.js';
import { parseConfig } from '../src/config/load.js';
import { openStore } from '../src/store/open-store.js';
import type { Store } from '../src/store/store.js';
import { runCli, tempDir } from './support/process.js';
import type { FastifyInstance } from 'fastify';

// The real `flotte` binary against a real API in this process: what a user types, what the store holds.

const FLEET = `cluster: apply-cli
providers:
  sim: { type: sim, zones: [sim-a, sim-b] }
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
  web: { template: small, min: 0, max: 100, desired: 10 }
  batch: { template: small, min: 0, max: 100, desired: 4 }
`;

let store: Store;
let app: FastifyInstance;
let server: string;
let env: Record<string, string>;
let dir: string;
beforeEach(async () => {
  store = await openStore(':memory:');
  const parsed = parseConfig(FLEET, 'flotte.yaml');
  if (!parsed.ok) throw new Error('fixture must parse');
  await store.applyConfig(parsed.applied, realClock.now());
  app = await buildApp({ store, clock: realClock, parseConfig });
  server = await app.listen({ host: '127.0.0.1', port: 0 });
  const { secret } = await issueToken(store, { name: 'cli-test', role: 'admin', createdBy: 'test' }, realClock.now());
  env = { FLOTTE_TOKEN: secret };
  dir = tempDir();
});
afterEach(async () => {
  await app.close();
  await store.close();
});

const declared = async () => (await store.listPools()).map(({ name, min, max, desired, removedAt }) => ({ name, min, max, desired, removedAt }));
const cli = (args: string[]) => runCli(args, { cwd: dir, server, env });

describe('flotte apply (real CLI)', () => {
  it('an empty or comment-only file is refused with exit 2 naming the file, and changes nothing', async () => {
    const before = await declared();
    for (const [name, text] of [['empty.yaml', ''], ['comments.yaml', '# nothing here yet\n']] as const) {
      writeFileSync(join(dir, name), text);
      const r = await cli(['apply', '-f', name]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(`${name}:1:1: `);
      expect(r.stderr).toMatch(/empty/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(await declared()).toEqual(before);
  });
});
