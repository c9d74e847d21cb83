import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CONTROL = fileURLToPath(new URL('../src/control', import.meta.url));
const MAX_LINES = 200;

/**
 * Issue 17: the control loop stays in small modules, each one concern. A file that grows past
 * the bound is the sign a concern moved in (health.ts reached 222 lines unnoticed, a stop before
 * this test): split it before it becomes the next 474-line controller.
 */
describe('the control loop is small files', () => {
  it(`no source file under src/control is over ${MAX_LINES} lines`, () => {
    const files = readdirSync(CONTROL, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(files.length).toBeGreaterThan(30);
    const over = files.map((f) => [f, readFileSync(join(CONTROL, f), 'utf8').split('\n').length - 1] as const).filter(([, n]) => n > MAX_LINES);
    expect(over).toEqual([]);
  });
});
