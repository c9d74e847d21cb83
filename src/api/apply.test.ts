import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../clock/virtual-clock.js';
import { parseConfig } from '../config/load.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { testApp, type TestApp } from '../../test/support/api.js';

const T0 = Date.UTC(2026, 11, 6, 9, 0);

const FLEET = `cluster: apply-test
providers:
  sim: { type: sim, zones: [sim-a, sim-b] }
templates:
  small: { provider: sim, image: img-1, size: m5.large }
pools:
  web: { template: small, min: 0, max: 100, desired: 10 }
  batch: { template: small, min: 0, max: 100, desired: 4 }
`;

let store: Store;
let t: TestApp;
beforeEach(async () => {
  store = await openStore(':memory:');
  const clock = new VirtualClock(T0);
  const parsed = parseConfig(FLEET, 'flotte.yaml');
  if (!parsed.ok) throw new Error('fixture must parse');
  await store.applyConfig(parsed.applied, clock.now());
  t = await testApp({ store, clock, parseConfig });
});
afterEach(async () => {
  await t.app.close();
  await store.close();
});

const apply = (body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/apply', headers: t.headers, payload: body });
const declared = async () => (await store.listPools()).map(({ name, min, max, desired, removedAt }) => ({ name, min, max, desired, removedAt }));

describe('POST /api/v1/apply', () => {
  it.each([
    ['empty', ''],
    ['blank lines', '\n\n   \n'],
    ['only comments', '# the fleet\n# (nothing yet)\n'],
    ['a bare document marker', '---\n'],
  ])('refuses a source that is %s with a 400 naming the file, and changes nothing', async (_what, source) => {
    const before = await declared();
    const res = await apply({ source, file: 'f.yaml' });
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('invalid_config');
    expect(error.message).toContain('f.yaml');
    expect(error.errors).toEqual([expect.objectContaining({ file: 'f.yaml', line: 1, col: 1, message: expect.stringMatching(/empty/) })]);
    expect(error.errors[0].hint).toMatch(/pools/);
    expect(await declared()).toEqual(before);
    expect(before.every((p) => p.removedAt === undefined)).toBe(true);
  });
});
