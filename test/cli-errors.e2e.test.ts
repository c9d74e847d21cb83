import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, freePort, getJson, runCli, startUp, tempDir, waitFor, type CliResult, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';

// A sim-only fleet big enough that `flotte events --json` prints far more than a pipe holds.
const FLEET = flotteYaml({ style: 'flow', cluster: 'cli', sim: { bootSeconds: { min: 1, max: 2 } }, pools: { web: { max: 1000, desired: 600, maxLaunching: 1000 } } });
const PIPE_BYTES = 64 * 1024;

/** What a person reads: exactly one line, and no Node stack frame. */
function expectOneLine(r: CliResult, code: number): string {
  expect(r.code, r.stdout + r.stderr).toBe(code);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  return lines[0]!;
}

let up: UpProcess | undefined;
let fleetDir: string;
beforeAll(async () => {
  fleetDir = tempDir();
  writeFileSync(join(fleetDir, 'flotte.yaml'), FLEET);
  up = await startUp(fleetDir);
}, 120_000);
afterAll(async () => {
  await up?.stop();
}, 60_000);

describe('the CLI says what is wrong in one line (real processes)', () => {
  it('a reader that closes the pipe after three lines (`flotte events --json | head -3`) ends the command quietly: exit 0, nothing on stderr', async () => {
    const events = await waitFor('events worth more than four pipes', async () => {
      const page = await getJson<{ items: unknown[] }>(`${up!.url}/api/v1/events?limit=1000`);
      return JSON.stringify(page.items, null, 2).length > 4 * PIPE_BYTES && page.items;
    }, 90_000);
    expect(events.length).toBeGreaterThan(500);

    const child = spawn(process.execPath, [BIN, '--server', up!.url, 'events', '--json', '--limit', '5000'], { cwd: fleetDir, env: { ...process.env, FLOTTE_TOKEN: up!.token } });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((res) => child.on('close', (code) => res(code)));
    try {
      let head = '';
      await new Promise<void>((res) => {
        child.stdout.on('data', (d: Buffer) => {
          head += d.toString();
          if (head.split('\n').length > 3) {
            child.stdout.destroy();
            res();
          }
        });
      });
      expect(head.split('\n').slice(0, 3)).toEqual(['[', '  {', expect.stringMatching(/^ {4}"id": \d+,$/)]);
      expect(await exited).toBe(0);
      expect(stderr).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  }, 180_000);

  it('a busy port is one line and exit 1, and a refused first start leaves no data dir behind (`up`, `api`, `controller`)', async () => {
    const port = new URL(up!.url).port;
    for (const command of ['up', 'api', 'controller']) {
      const dir = tempDir();
      const r = await runCli([command, '--port', port], { cwd: dir });
      expect(expectOneLine(r, 1)).toBe(`flotte: port ${port} on 127.0.0.1 is in use: stop what holds it or pass --port`);
      expect(existsSync(join(dir, '.flotte')), `${command} left .flotte behind`).toBe(false);
    }
  }, 120_000);

  it('`flotte controller` on a store with no config says to apply one, in one line, exit 1', async () => {
    const dir = tempDir();
    const r = await runCli(['controller', '--port', String(await freePort())], { cwd: dir });
    expect(expectOneLine(r, 1)).toBe('flotte: no config stored yet: apply one first (`flotte apply -f flotte.yaml` against a `flotte api`)');
  }, 60_000);

  it('`flotte up` with a cloud that no clouds.yaml defines is refused in one line naming the cloud, exit 2', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'f.yaml'), 'cluster: c\nproviders:\n  os: { type: openstack, cloud: nope }\ntemplates:\n  small: { provider: os, image: img, size: m1.small }\npools:\n  web: { template: small, min: 0, max: 10, desired: 0 }\n');
    const r = await runCli(['up', '-f', 'f.yaml', '--port', String(await freePort())], { cwd: dir, env: { HOME: dir, OS_CLIENT_CONFIG_FILE: '', OS_CLOUD: '' } });
    expect(expectOneLine(r, 2)).toContain('nope');
  }, 60_000);

  it('an unexpected failure is one line that says how to see the stack; FLOTTE_DEBUG=1 shows it', async () => {
    const dir = tempDir();
    // A token file that is a directory: a plain Node error, no refusal of ours.
    const quiet = await runCli(['--token-file', dir, 'pools'], { cwd: dir });
    expect(expectOneLine(quiet, 1)).toContain('set FLOTTE_DEBUG=1 for the stack trace');
    const loud = await runCli(['--token-file', dir, 'pools'], { cwd: dir, env: { FLOTTE_DEBUG: '1' } });
    expect(loud.code).toBe(1);
    expect(loud.stderr).toMatch(/EISDIR[^]*\n\s+at /);
  }, 60_000);
});
