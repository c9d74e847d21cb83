import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** How this process was started: what the words a user is told to type depend on. */
export interface Invocation {
  /** The script node runs (process.argv[1]), symbolic links resolved. */
  scriptReal: string;
  /** Resolved path of the first `flotte` on PATH, if any. */
  onPath: string | undefined;
  /** Started by `npx` / `npm exec`. */
  viaNpx: boolean;
  cwd: string;
  /** This checkout's (or package's) bin/flotte.js. */
  bin: string;
}

const inNodeModules = (path: string): boolean => path.split(sep).includes('node_modules');

/**
 * The command a user types to reach this flotte again: `npx flotte` from a package installed
 * in a project, `flotte` when it is on PATH, else the path of bin/flotte.js (`./bin/flotte.js`
 * in the repository).
 */
export function commandAsTyped(i: Invocation): string {
  // npx puts node_modules/.bin on PATH for its child only: `flotte` would not work afterwards.
  if (i.viaNpx && inNodeModules(i.scriptReal)) return 'npx flotte';
  if (i.onPath !== undefined && i.onPath === i.scriptReal) return 'flotte';
  if (inNodeModules(i.scriptReal)) return 'npx flotte';
  const rel = relative(i.cwd, i.bin);
  return rel.startsWith('..') || isAbsolute(rel) ? i.bin : `.${sep}${rel}`;
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

/** First executable `name` on PATH, links resolved. */
function which(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return realOrSelf(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Reads how this process was started (argv, PATH, npm's environment). */
export function currentInvocation(): Invocation {
  const script = process.argv[1] ?? '';
  // src/cli/ and dist/cli/ are both two levels below the package root.
  const bin = fileURLToPath(new URL('../../bin/flotte.js', import.meta.url));
  return {
    scriptReal: realOrSelf(script),
    onPath: which('flotte', process.env.PATH),
    viaNpx: process.env.npm_command === 'exec',
    cwd: process.cwd(),
    bin,
  };
}
