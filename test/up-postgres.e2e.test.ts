import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { getJson, startUp, tempDir, waitFor, type UpProcess } from './support/process.js';
import { freshPgSchema, postgresService, postgresUrl, serviceSuite } from './support/services.js';

let up: UpProcess | undefined;
const schema = freshPgSchema();
afterAll(async () => {
  await up?.stop();
  await schema.drop();
});

await serviceSuite(postgresService(), `flotte up on PostgreSQL (${postgresUrl()})`, () => {
  it('keeps its state in PostgreSQL, and a restart after kill -9 finds the same machines', async () => {
    const dir = tempDir();
    // No random deaths here, so "the same machines" is exact.
    writeFileSync(join(dir, 'flotte.yaml'), 'cluster: pg\nproviders:\n  sim: { type: sim, bootSeconds: { min: 1, max: 3 } }\ntemplates:\n  small: { provider: sim, image: img, size: m5.large }\npools:\n  analysis: { template: small, min: 0, max: 100, desired: 50 }\n');
    up = await startUp(dir, ['--database', schema.url]);
    await waitFor('50 ready', async () => (await getJson<{ ready: number }>(`${up!.url}/api/v1/pools/analysis`)).ready >= 50);
    const before = (await getJson<{ machines: { id: string }[] }>(`${up.url}/api/v1/pools/analysis`)).machines.map((m) => m.id);
    await up.kill();
    up = await startUp(dir, ['--database', schema.url]);
    const after = (await getJson<{ machines: { id: string }[] }>(`${up.url}/api/v1/pools/analysis`)).machines.map((m) => m.id);
    await new Promise((r) => setTimeout(r, 2000)); // a few ticks of the new controller
    expect(after.sort()).toEqual(before.sort());
  });
});
