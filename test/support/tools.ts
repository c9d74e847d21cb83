import { spawnSync } from 'node:child_process';
import { describe, it } from 'vitest';
import { inCi } from './services.js';

/** True when `command` is on PATH (Debian's promtool, systemd-analyze, …). */
export function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * `describe` for a suite that drives a command-line tool from a Debian package. Like the service
 * suites (services.ts): missing off CI, the suite is skipped with a loud banner; with CI=true,
 * a missing tool is a failing test.
 */
export function toolSuite(command: string, debianPackage: string, title: string, body: () => void): void {
  const present = onPath(command);
  if (!present && inCi()) {
    describe(title, () => {
      it(`needs ${command} (Debian package ${debianPackage})`, () => {
        throw new Error(`${command} is not on PATH, and CI=true forbids skipping "${title}": apt-get install ${debianPackage}`);
      });
    });
    return;
  }
  if (!present) {
    const line = '!'.repeat(72);
    console.warn(`\n${line}\n!!  SKIPPED: "${title}" — ${command} not on PATH (apt-get install ${debianPackage})\n!!  (with CI=true this is a failure)\n${line}\n`);
  }
  describe.runIf(present)(title, body);
}

/** Runs a tool and hands back its exit code and everything it printed. */
export function runTool(command: string, args: string[], cwd?: string): { code: number; output: string } {
  const r = spawnSync(command, args, { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
