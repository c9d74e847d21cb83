import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../src/store/store.js';
import { cliServer, type CliServer } from './support/cli-server.js';
import { freePort, runCli, tempDir } from './support/process.js';
import { flotteYaml } from './support/builders.js';

// Duration flags are checked before anything is sent: the real `flotte` binary, a real API.

const FLEET = flotteYaml({ style: 'flow', cluster: 'limits', sim: { zones: ['sim-a', 'sim-b'] }, pools: { web: { max: 100, desired: 10 } } });

let api: CliServer;
let store: Store;
let server: string;
let env: Record<string, string>;
beforeEach(async () => {
  api = await cliServer(FLEET);
  ({ store, server, env } = api);
});
afterEach(() => api.close());

describe('CLI time limits are checked before any request', () => {
  it.each([
    ['abc', []],
    ['-5', ['--wait']],
    ['0', ['--wait']],
  ])('scale --timeout %s is refused with exit 2 naming the flag and a valid value, and the pool is not touched', async (timeout, extra) => {
    const r = await runCli(['scale', 'web', '20', ...extra, '--timeout', timeout], { server, env, cwd: tempDir() });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim()).toBe(`flotte: --timeout takes a duration above zero like 90s, 5m or 1h; a bare number counts seconds; got "${timeout}" (nothing was sent)`);
    expect((await store.getPool('web'))!.desired).toBe(10);
    expect((await store.listEvents({ pool: 'web' })).filter((e) => e.reason === 'DesiredChanged')).toEqual([]);
    expect((await store.listAudit()).filter((a) => a.action.startsWith('PUT'))).toEqual([]);
  });

  it('every other duration flag is refused before anything is sent (a server that does not listen is never reached)', async () => {
    const nowhere = `http://127.0.0.1:${await freePort()}`;
    const cases: [string[], string][] = [
      [['restart', 'web', '--bake', 'soon', '--canary', '1'], '--bake'],
      [['env', 'create', 'mine', '--template', 'dev', '--ttl', '8'], '--ttl'],
      [['env', 'extend', 'env-1', '--by', '-1h'], '--by'],
      [['env', 'usage', '--since', 'forever'], '--since'],
      [['tokens', 'create', '--role', 'viewer', '--name', 'ci', '--ttl', '0d'], '--ttl'],
    ];
    for (const [args, flag] of cases) {
      const r = await runCli(args, { server: nowhere, env, cwd: tempDir() });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^flotte: ${flag} takes a duration (above zero )?like .*; got ".*" \\(nothing was sent\\)\\n$`));
    }
  });
});
