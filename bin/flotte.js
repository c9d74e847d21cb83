#!/usr/bin/env node
// Runs the compiled CLI when `npm run build` made one that holds every source change, else the
// TypeScript sources through tsx (seconds slower to start, always current). FLOTTE_CLI=dist or
// FLOTTE_CLI=src forces one (benchmarks time the built CLI while others edit the sources).
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { freshBuild, ROOT } from './fresh-build.js';

// `flotte agent` runs on every machine: it loads only the agent's modules, so machines boot fast.
const entry = process.argv[2] === 'agent' ? 'agent-main' : 'main';
const built = `${ROOT}dist/cli/${entry}.js`;
const force = process.env.FLOTTE_CLI;
if (force === 'dist' ? existsSync(built) : force !== 'src' && freshBuild(entry)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(`${ROOT}src/cli/${entry}.ts`).href);
}
