import { describe, expect, it } from 'vitest';
import { converged, simLive } from './support/harness.js';
import { postgresService, serviceSuite } from './support/services.js';
import { createTestEnv, type Dialect } from './support/test-env.js';

/** The one test environment does what every rig relies on, on each dialect it offers. */
function convergesOn(dialect: Dialect): void {
  it(`launches a pool to its desired size and keeps it across a restart (${dialect})`, async () => {
    const env = await createTestEnv({ dialect, pools: [{ desired: 3 }] });
    try {
      await env.tickUntil(() => converged(env.store, 3));
      expect(simLive(env.sim)).toHaveLength(3);
      await env.restart();
      await env.runTick();
      expect(simLive(env.sim)).toHaveLength(3);
    } finally {
      await env.close();
    }
  });
}

describe('createTestEnv', () => convergesOn('sqlite'));
await serviceSuite(postgresService(), 'createTestEnv on PostgreSQL (a fresh schema, dropped on close)', () => convergesOn('postgres'));
