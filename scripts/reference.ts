// `npm run docs:reference`: writes the references generated from the code (see reference-lib.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generatedReferences } from './reference-lib.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
for (const [path, content] of await generatedReferences()) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
