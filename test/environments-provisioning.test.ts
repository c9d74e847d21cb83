import { afterEach, describe, expect, it } from 'vitest';
import type { Environment } from '../src/domain/environments/types.js';
import type { LaunchRequest } from '../src/providers/provider.js';
import { envHarness, type EnvHarness } from './support/environments.js';

let eh: EnvHarness;
afterEach(async () => eh?.h.close());

const YAML = `
environments:
  templates:
    pg:
      params:
        database: { default: invoices }
      roles:
        db:
          template: dbbox
          ready: { command: "pg_isready -d {{params.database}}" }
          userData: |
            #!/bin/sh
            createdb -O app {{params.database}} # {{role}} of {{env.name}} ({{env.id}})
        web: { template: small }
`;

// A role with a readiness check runs agents on any cloud (the agent runs the check): its pool launches once agents have somewhere to join.
const AGENTS = { agentServer: 'http://127.0.0.1:7400' };

describe('provisioning per role, from the environment to the launch request', () => {
  it("sends each role's rendered user-data with its pool's launches, tagged with the environment and the role; a role without any sends none", async () => {
    eh = await envHarness('', YAML, AGENTS);
    const sent: LaunchRequest[] = [];
    const launch = eh.h.sim.launch.bind(eh.h.sim);
    eh.h.sim.launch = (req) => {
      sent.push(req);
      return launch(req);
    };
    const env = await eh.service.create({ name: 'alice', all: false }, { name: 'billing', template: 'pg', params: { database: 'ledger' } });
    await eh.until(async () => sent.length >= 2, 5);

    const byRole = (role: string) => sent.find((r) => r.tags['flotte:env-role'] === role)!;
    expect(byRole('db').extraUserData).toBe(`#!/bin/sh\ncreatedb -O app ledger # db of billing (${env.id})\n`);
    expect(byRole('db').tags).toMatchObject({ 'flotte:env': env.id, 'flotte:env-role': 'db', 'flotte:owner': 'alice' });
    expect(byRole('web').extraUserData).toBeUndefined();
    expect(env.roles.find((r) => r.name === 'db')!.ready).toEqual({ kind: 'command', target: 'pg_isready -d ledger', timeoutMs: 5_000, intervalMs: 2_000 });
  });

  it('is ready only once the checked role’s agent reports a pass, and a woken one again only on a fresh pass', async () => {
    eh = await envHarness('', YAML, AGENTS);
    const alice = { name: 'alice', all: false };
    const env = await eh.service.create(alice, { name: 'billing', template: 'pg' });
    const db = env.roles.find((r) => r.name === 'db')!;
    const machines = async (e: Environment) => (await Promise.all(e.roles.map((r) => eh.h.store.listMachines({ pool: r.pool })))).flat();
    // What the agent route stores from a heartbeat of the db machine's agent.
    const report = async (ok: boolean | undefined) => {
      const now = eh.h.clock.now();
      for (const m of await eh.h.store.listMachines({ pool: db.pool })) {
        if (m.state === 'stopped') continue;
        await eh.h.store.saveHeartbeat({ machine: m.id, pool: db.pool, joinedAt: now, lastAt: now, busy: 0, drained: false, available: true, load: { load1: 0, cpu: 0, memory: 0 }, ...(ok === undefined ? {} : { readiness: { ok, at: now, output: ok ? 'accepting connections' : 'no response' } }) });
      }
    };
    // Every machine ready: the db machine's agent has joined, its check failing so far.
    const allReady = async (ok: boolean | undefined) => {
      await report(ok);
      return (await machines(env)).length === 2 && (await machines(env)).every((m) => m.state === 'ready');
    };

    await eh.until(() => allReady(false));
    await eh.reconciler.tick();
    expect((await eh.status(env.id)).status).toBe('creating');
    await report(true);
    await eh.reconciler.tick();
    expect((await eh.status(env.id)).status).toBe('ready');

    await eh.service.stop(alice, env.id);
    await eh.until(async () => (await machines(env)).every((m) => m.state === 'stopped'));
    await eh.service.start(alice, env.id);
    // Every machine runs again and its agent joined, but it has no check result since the wake: it waits for a fresh pass.
    await eh.until(() => allReady(undefined));
    await eh.reconciler.tick();
    expect((await eh.status(env.id)).status).toBe('starting');
    await report(true);
    await eh.reconciler.tick();
    expect((await eh.status(env.id)).status).toBe('ready');
  });
});
