import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { getJson, startUp, tempDir, waitFor, type UpProcess } from './support/process.js';
import { flotteYaml } from './support/builders.js';

let up: UpProcess | undefined;
afterEach(async () => {
  await up?.stop();
  up = undefined;
}, 60_000);

/**
 * The disk under the state stops taking writes, for real: the running flotte's file-size limit
 * drops to 0 bytes (`prlimit`), so every write SQLite makes fails in the kernel with EFBIG, as a
 * failing or full disk would fail it, while reads go on working.
 */
const setFileSizeLimit = (pid: number, soft: '0' | 'unlimited'): void => {
  execFileSync('prlimit', ['--pid', String(pid), `--fsize=${soft}:`]);
};

describe('a store that stops taking writes (real process, real I/O errors)', () => {
  it('writes answer 503 storage_unavailable (not a raw 500), /readyz says why with 503, reads go on, and both recover with the disk', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'flotte.yaml'), flotteYaml({ style: 'flow', cluster: 'disk', sim: { bootSeconds: { min: 1, max: 2 } }, pools: { web: { max: 20, desired: 3 } } }));
    up = await startUp(dir);
    const scale = (desired: number) => fetch(`${up!.url}/api/v1/pools/web/desired`, { method: 'PUT', headers: { authorization: `Bearer ${up!.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ desired }) });
    expect((await fetch(`${up.url}/readyz`)).status).toBe(200);

    setFileSizeLimit(up.proc.pid!, '0');
    const refused = await scale(5);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(refused.status, JSON.stringify(body)).toBe(503);
    expect(body.error.code, JSON.stringify(body)).toBe("storage_unavailable");
    expect(body.error.message).toMatch(/^the store did not take this request \(SQLITE_[A-Z_]+: .+\); retry once \/readyz answers ok$/);
    expect(refused.headers.get('retry-after')).toBe('1');

    const notReady = await waitFor('/readyz to say the store takes no writes', async () => {
      const res = await fetch(`${up!.url}/readyz`);
      return res.status === 503 && ((await res.json()) as { error: { code: string; message: string } });
    }, 10_000);
    expect(notReady.error.code).toBe('storage_unavailable');
    expect(notReady.error.message).toMatch(/^store does not take writes: .+ \(SQLITE_[A-Z_]+\)$/);
    // Reads still answer, and the refused change was not made.
    expect((await getJson<{ desired: number }>(`${up.url}/api/v1/pools/web`)).desired).toBe(3);

    setFileSizeLimit(up.proc.pid!, 'unlimited');
    await waitFor('/readyz ok again', async () => (await fetch(`${up!.url}/readyz`)).status === 200, 10_000);
    expect((await scale(5)).status).toBe(200);
    expect((await getJson<{ desired: number }>(`${up.url}/api/v1/pools/web`)).desired).toBe(5);
  }, 180_000);
});
