import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

// `npm run fuzz [-- vitest args]`: the fuzz suite at the acceptance size (10,000 cases per
// input) unless FLOTTE_FUZZ_RUNS says otherwise; FLOTTE_FUZZ_SEED replays a reported failure.
// A script rather than `VAR=… vitest` in package.json, so it runs the same on Windows.

// The package's own bin: its exports map hides the file, its package.json is public.
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const env: NodeJS.ProcessEnv = { ...process.env, FLOTTE_FUZZ_RUNS: process.env.FLOTTE_FUZZ_RUNS ?? '10000' };
const started = Date.now();
const child = spawn(process.execPath, [vitest, 'run', 'test/fuzz', ...process.argv.slice(2)], { stdio: 'inherit', env });
child.on('exit', (code, signal) => {
  process.stdout.write(`fuzz: ${env.FLOTTE_FUZZ_RUNS} runs per input, seed ${env.FLOTTE_FUZZ_SEED ?? 'default'}, ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  process.exit(code ?? (signal ? 1 : 0));
});
