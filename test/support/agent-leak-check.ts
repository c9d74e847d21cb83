import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Vitest global setup: every process this run starts inherits `FLOTTE_TEST_RUN`, so at the end
 * the `flotte agent` processes it left behind are found by that mark alone (other runs on the
 * same machine carry other marks and are left alone). Leftovers are killed, and the run fails
 * naming them: a test that starts agents must end them, also when it fails.
 */
export const RUN_MARK = 'FLOTTE_TEST_RUN';

export function setup(): void {
  process.env[RUN_MARK] = `run-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export async function teardown(): Promise<void> {
  const mark = process.env[RUN_MARK];
  if (!mark) return;
  const left = agentsMarked(mark);
  if (left.length === 0) return;
  for (const a of left) killGroup(a.pid);
  process.exitCode = 1;
  throw new Error(
    `${left.length} \`flotte agent\` process(es) outlived the tests that started them (now killed); end them in the test's afterEach/afterAll (test/support/local.ts killAgents):\n` +
      left.map((a) => `  pid ${a.pid} in ${a.cwd}: ${a.cmdline}`).join('\n'),
  );
}

export interface MarkedAgent {
  pid: number;
  cwd: string;
  cmdline: string;
}

/** Live `flotte agent` processes whose environment carries this run's mark. */
export function agentsMarked(mark: string): MarkedAgent[] {
  const found: MarkedAgent[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const argv = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      // `node …/bin/flotte.js agent …`, not `flotte agent busy` (a short-lived client)
      const at = argv.findIndex((a) => a.endsWith('flotte.js'));
      if (at < 0 || argv[at + 1] !== 'agent' || argv[at + 2] === 'busy') continue;
      if (!readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(`${RUN_MARK}=${mark}`)) continue;
      found.push({ pid: Number(name), cwd: readlinkSync(`/proc/${name}/cwd`), cmdline: argv.join(' ').trim() });
    } catch {
      // ended meanwhile, or not ours to read
    }
  }
  return found;
}

function killGroup(pid: number): void {
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, 'SIGKILL');
      return;
    } catch {
      // not a group leader, or gone
    }
  }
}
