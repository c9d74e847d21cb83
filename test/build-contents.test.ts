import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './support/process.js';

/** Libraries only tests use: none of them is a dependency of the published package. */
const TEST_LIBRARIES = ['vitest', 'fast-check', 'playwright-core', '@playwright/test'];

const SPECIFIER = /(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** What one compiled file imports that a build must not hold: a test library, or code under test/ or bench/. */
function testImports(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(SPECIFIER)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (TEST_LIBRARIES.some((lib) => spec === lib || spec.startsWith(`${lib}/`))) found.push(spec);
    else if (spec.startsWith('.')) {
      const target = relative(ROOT, resolve(dirname(file), spec)).split(sep)[0];
      if (target === 'test' || target === 'bench') found.push(spec);
    }
  }
  return found;
}

/** Every file `npm run build` compiles into dist/: tsconfig.build.json's roots and all they import. */
function compiledFiles(): string[] {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const out = execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--listFilesOnly'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.includes(`${sep}node_modules${sep}`))
    .map((l) => relative(ROOT, l));
}

describe('dist/ holds no test code', () => {
  it('finds a test import where there is one', () => {
    const file = resolve(ROOT, 'src/providers/example.ts');
    expect(testImports(file, "import { it } from 'vitest';\nimport fc from 'fast-check';\nexport { rig } from '../../test/support/rig.js';\nconst p = import('../../bench/harness.js');\n")).toEqual(['vitest', 'fast-check', '../../test/support/rig.js', '../../bench/harness.js']);
    expect(testImports(file, "import { z } from 'zod';\nimport { plan } from '../domain/plan.js';\n// a comment naming vitest\n")).toEqual([]);
  });

  it('compiles only src/, no test file, and nothing it compiles imports a test library or test/', () => {
    const files = compiledFiles();
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => !f.startsWith(`src${sep}`))).toEqual([]);
    expect(files.filter((f) => /\.test\.ts$|\.fixture\.ts$|test-support|test-fixtures/.test(f))).toEqual([]);
    const offending = files.flatMap((f) => testImports(resolve(ROOT, f), readFileSync(resolve(ROOT, f), 'utf8')).map((spec) => `${f} imports ${spec}`));
    expect(offending).toEqual([]);
  });
});
