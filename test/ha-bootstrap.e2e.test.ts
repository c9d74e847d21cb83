import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { startService, type ServiceProcess } from './support/services-proc.js';
import { runCli, tempDir, waitFor } from './support/process.js';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from './support/services.js';

const procs: ServiceProcess[] = [];
const schema = freshPgSchema();
afterAll(async () => {
  await Promise.all(procs.map((p) => p.stop()));
  await schema.drop();
}, 60_000);

const HOUR = 3_600_000;

await serviceSuite(postgresService(), `HA bootstrap on PostgreSQL, as docs/deploy.md says (${postgresUrl()})`, () => {
  it('an empty PostgreSQL gets exactly one first admin token (0600 file, audited), apply and controllers work with it, and a long-dead member row is pruned', async () => {
    const dir = tempDir();
    const db = new pg.Client({ connectionString: postgresUrl() });
    await db.connect();
    try {
      const sim = await startService('sim-server', ['sim-server']);
      procs.push(sim);
      writeFileSync(join(dir, 'ha.yaml'), `cluster: try\nproviders:\n  sim: { type: sim, server: "${sim.url}" }\ntemplates:\n  small: { provider: sim, image: img-1, size: m5.large }\npools:\n  web: { template: small, min: 0, max: 100, desired: 2 }\n`);
      const api = await startService('api', ['api', '--database', schema.url, '--data-dir', join(dir, 'api')]);
      procs.push(api);

      // Without a token the documented apply stops here: the finding.
      const denied = await runCli(['--server', api.url, 'apply', '-f', 'ha.yaml'], { cwd: dir });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('bearer token');

      // Two operators bootstrap at once: exactly one token is made.
      const [a, b] = await Promise.all(['a-token', 'b-token'].map((out) => runCli(['tokens', 'bootstrap', '--database', schema.url, '--out', out], { cwd: dir })));
      const results = [a!, b!].map((r) => r.code).sort();
      expect(results, a!.stderr + b!.stderr).toEqual([0, 1]);
      const [won, lost] = a!.code === 0 ? ['a-token', b!] : ['b-token', a!];
      const loser = won === 'a-token' ? 'b-token' : 'a-token';
      expect(lost.stderr).toMatch(/^flotte: an admin token already exists \(tok-[0-9a-f]+ "bootstrap-admin", created .+ by bootstrap\): bootstrap happens once; use that token to create others \(`flotte tokens create`\)\n$/);
      expect(existsSync(join(dir, loser))).toBe(false);
      const tokenFile = join(dir, won);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(tokenFile, 'utf8')).toMatch(/^flt_[A-Za-z0-9_-]{40,}\n$/);
      const { rows: tokens } = await db.query(`select role, created_by from "${schema.schema}".api_tokens`);
      expect(tokens).toEqual([{ role: 'admin', created_by: 'bootstrap' }]);

      const applied = await runCli(['--server', api.url, '--token-file', tokenFile, 'apply', '-f', 'ha.yaml'], { cwd: dir });
      expect(applied.code, applied.stderr).toBe(0);
      const audit = await runCli(['--server', api.url, '--token-file', tokenFile, 'audit', '--json'], { cwd: dir });
      const actions = (JSON.parse(audit.stdout) as { items?: { action: string; actor: string }[] } | { action: string; actor: string }[]);
      const records = Array.isArray(actions) ? actions : (actions.items ?? []);
      expect(records.find((r) => r.action === 'tokens bootstrap')).toMatchObject({ actor: 'bootstrap' });

      // A controller killed long ago left its row; the next live member's heartbeat drops it.
      await db.query(`insert into "${schema.schema}".members (id, info, started_at, expires_at) values ($1, '{}', $2, $3)`, ['gone-host:4242:abcdef', Date.now() - 3 * HOUR, Date.now() - 2 * HOUR]);
      const ctl = await startService('controller', ['controller', '--database', schema.url, '--data-dir', join(dir, 'ctl'), '--interval', '500']);
      procs.push(ctl);
      const members = await waitFor('the dead member pruned and the live one joined', async () => {
        const { rows } = await db.query<{ id: string }>(`select id from "${schema.schema}".members order by id`);
        return rows.length === 1 && !rows.some((r) => r.id === 'gone-host:4242:abcdef') && rows;
      }, 60_000);
      expect(members[0]!.id).toMatch(new RegExp(`:${ctl.pid}:`));
    } finally {
      await db.end();
    }
  }, 300_000);
});
