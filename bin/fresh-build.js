// Whether `dist/` (from `npm run build`) holds every source change: bin/flotte.js runs it only then.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Newest modification time of the files under `dir`, in ms; the dashboard (src/web) is built separately. */
function newest(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'web' && dir === join(ROOT, 'src')) continue;
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/**
 * True when `dist/cli/<entry>.js` exists and no source changed since the build began (the
 * build writes that time to `dist/.build-started` before compiling). Without `src/` (an
 * installed package) dist is all there is.
 */
export function freshBuild(entry = 'main') {
  if (!existsSync(join(ROOT, 'dist', 'cli', `${entry}.js`))) return false;
  if (!existsSync(join(ROOT, 'src'))) return true;
  const stamp = join(ROOT, 'dist', '.build-started');
  return existsSync(stamp) && newest(join(ROOT, 'src')) < Number(readFileSync(stamp, 'utf8'));
}
