import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, onTestFinished } from 'vitest';
import type { StartUpOptions } from '../../src/campaign/kill/up-process.js';
import { startUp, tempDir, type UpProcess } from './process.js';

/**
 * `flotte up` processes for e2e tests: a directory holding a flotte.yaml, and a start whose stop
 * is guaranteed. A process started in a test is stopped when that test ends, pass or fail; one
 * started in beforeAll when the file ends. A test may still stop or kill it earlier (crash tests
 * do): stopping an ended process is a no-op.
 */
const running = new Set<UpProcess>();
// Registered when a test file imports this module: the file's last hook stops what is left.
afterAll(async () => {
  await Promise.all([...running].map((up) => up.stop()));
  running.clear();
});

/** A new directory with `yaml` as its flotte.yaml (`prefix` names the temp dir). */
export function fleetDir(yaml: string, prefix?: string): string {
  const dir = tempDir(prefix);
  writeFileSync(join(dir, 'flotte.yaml'), yaml);
  return dir;
}

/** `startUp` (same arguments), stopped for sure when the test (or, outside a test, the file) ends. */
export async function flotteUp(cwd: string, args: string[] = [], env: Record<string, string> = {}, opts: StartUpOptions = {}): Promise<UpProcess> {
  const up = await startUp(cwd, args, env, opts);
  running.add(up);
  void up.proc.once('exit', () => running.delete(up));
  try {
    onTestFinished(() => up.stop());
  } catch {
    // Not inside a test (beforeAll): the file's afterAll above stops it.
  }
  return up;
}
