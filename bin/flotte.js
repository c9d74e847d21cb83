#!/usr/bin/env node
// Runs the compiled CLI when built (`npm run build`), else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `flotte agent` runs on every machine: it loads only the agent's modules, so machines boot fast.
const entry = process.argv[2] === 'agent' ? 'agent-main' : 'main';
const built = `${root}dist/cli/${entry}.js`;
if (existsSync(built)) {
  await import(pathToFileURL(built).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(`${root}src/cli/${entry}.ts`).href);
}
