import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatConfigError, parseConfig } from '../../src/config/load.js';
import type { Store } from '../../src/store/store.js';
import { cliServer, type CliServer } from '../support/cli-server.js';
import { runCli, tempDir } from '../support/process.js';
import { brokenText, mutated, render, style, validFleet } from './fleet-model.js';
import { FUZZ_SEED, FUZZ_TIMEOUT_MS, report, tally } from './support.js';
import { flotteYaml } from '../support/builders.js';

// A few generated documents through the real `flotte apply` against a real API: what a user
// sees. Broken ones exit 2 and print, on stderr, exactly the file:line:col lines the loader
// gives for that text, and change nothing in the store; valid ones pass a dry run, which
// changes nothing either. Twenty cases whatever the run size: each is a process start.

const CASES = 20;
const FLEET = flotteYaml({ style: 'flow', cluster: 'fuzz-cli', sim: { zones: ['sim-a', 'sim-b'] }, pools: { web: { max: 100, desired: 10 } } });

const seen = tally();
let api: CliServer;
let dir: string;
beforeAll(async () => {
  api = await cliServer(FLEET);
  dir = tempDir('flotte-fuzz-cli-');
});
afterAll(async () => {
  report('flotte apply (real CLI)', seen);
  await api?.close();
});

/** What a refused apply must leave as it was: the config, pools, machines and events. */
const observable = async (store: Store) => JSON.stringify([await store.currentConfig(), await store.listPools(), await store.listMachines({ includeGone: true }), await store.latestEventId()]);

const documents = (): { name: string; text: string; valid: boolean }[] => {
  const broken = fc.sample(fc.oneof(fc.tuple(mutated, style).map(([m, s]) => render(m.doc, s)), brokenText.map((b) => b.text)), { seed: FUZZ_SEED, numRuns: CASES - 4 });
  const valid = fc.sample(fc.tuple(validFleet, style).map(([d, s]) => render(d, s)), { seed: FUZZ_SEED, numRuns: 4 });
  return [...broken.map((text, i) => ({ name: `broken-${i}.yaml`, text, valid: false })), ...valid.map((text, i) => ({ name: `valid-${i}.yaml`, text, valid: true }))];
};

describe('flotte apply fuzz (the real CLI against a real API)', () => {
  it('a broken file exits 2 with its file:line:col lines on stderr and changes nothing; a valid one dry-runs and changes nothing', async () => {
    const before = await observable(api.store);
    const cases = documents();
    // Four processes at a time: the machine is shared.
    for (let i = 0; i < cases.length; i += 4) {
      await Promise.all(
        cases.slice(i, i + 4).map(async ({ name, text, valid }) => {
          seen.cases++;
          writeFileSync(join(dir, name), text);
          const r = await runCli(['apply', '-f', name, ...(valid ? ['--dry-run'] : [])], { cwd: dir, server: api.server, env: api.env });
          const parsed = parseConfig(text, name);
          expect(parsed.ok, name).toBe(valid);
          if (valid) {
            seen.accepted++;
            expect(r.code, `${name}: ${r.stderr}`).toBe(0);
            expect(r.stdout).toContain('Dry run: nothing was changed.');
            return;
          }
          seen.refused++;
          expect(r.code, `${name}: ${r.stderr}\n${text.slice(0, 500)}`).toBe(2);
          const lines = r.stderr.split('\n').filter((l) => l.startsWith(`${name}:`));
          expect(lines, name).toEqual(parsed.ok ? [] : parsed.errors.map(formatConfigError));
          for (const l of lines) expect(l).toMatch(new RegExp(`^${name.replace('.', '\\.')}:\\d+:\\d+: `));
          expect(r.stderr, name).not.toMatch(/\n\s+at /);
        }),
      );
      expect(await observable(api.store)).toBe(before);
    }
    expect(seen.refused).toBe(CASES - 4);
  }, FUZZ_TIMEOUT_MS);
});
