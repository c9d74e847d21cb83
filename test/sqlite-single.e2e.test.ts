import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, runCli, startUp, tempDir, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';

let up: UpProcess | undefined;
afterEach(async () => {
  await up?.stop();
  up = undefined;
});

describe('SQLite runs one controller (real processes)', () => {
  it('a second controller or `flotte up` on the same SQLite state refuses to start, saying why and what to use instead; a kill -9 frees it at once', async () => {
    const dir = tempDir();
    // A sim-only config: the built-in demo's local pool would start agent processes that outlive `up`.
    writeFileSync(join(dir, 'flotte.yaml'), flotteYaml({ style: 'flow', cluster: 'single', pools: { web: { max: 10, desired: 2 } } }));
    up = await startUp(dir);
    for (const args of [['controller', '--port', String(await freePort())], ['up', '--port', String(await freePort())]]) {
      const second = await runCli(args, { cwd: dir });
      expect(second.code, second.stdout + second.stderr).toBe(1);
      expect(second.stderr).toContain('another flotte controller is already running');
      expect(second.stderr).toContain(`pid ${up.proc.pid}`);
      expect(second.stderr).toContain('PostgreSQL');
      expect(second.stderr.trimEnd().split('\n'), second.stderr).toHaveLength(1);
    }
    // The lock dies with its process, even on kill -9: a restart never waits.
    await up.kill();
    up = await startUp(dir);
    expect(up.proc.exitCode).toBeNull();
    // Four cold starts of the CLI: generous on a busy machine.
  }, 300_000);
});
