import { spawn } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalMachineRecord } from './machine-dir.js';

/**
 * A local machine whose controller stayed away this long powers itself off (its agent exits 1):
 * on a laptop, a forgotten `flotte up` directory must not leave processes running for ever. Long
 * enough to survive any controller restart; the machine's directory stays, so a late controller
 * sees it and replaces it through the heartbeat timeout. The agent deliberately does not watch
 * its parent `flotte up`: machines outlive their controller like cloud machines do, and a
 * restarted controller adopts them.
 */
export const ORPHAN_AFTER = '10m';

/** The flotte binary this controller runs from: its agents are the same build. */
export const FLOTTE_BIN = fileURLToPath(new URL('../../../bin/flotte.js', import.meta.url));

/**
 * Starts the machine's agent as a detached process in its own process group, so it outlives
 * the controller like a cloud machine does. Identity and the join token travel in the
 * environment (the local stand-in for user-data); the pid goes to `<dir>/pid`.
 */
export function spawnAgent(m: LocalMachineRecord, dir: string, bootMs: number): number {
  const log = openSync(join(dir, 'agent.log'), 'a', 0o600);
  const child = spawn(process.execPath, [FLOTTE_BIN, 'agent', '--identity', 'env', '--machine-id', m.id, '--port', '0', '--dir', dir, '--orphan-after', ORPHAN_AFTER], {
    detached: true,
    stdio: ['ignore', log, log],
    cwd: dir,
    env: {
      ...withoutUserToken(process.env),
      FLOTTE_MACHINE_ID: m.id,
      FLOTTE_POOL: m.agent?.pool ?? '',
      FLOTTE_SERVER: m.agent?.server ?? '',
      FLOTTE_JOIN_TOKEN: m.agent?.joinToken ?? '',
      FLOTTE_BOOT_DELAY_MS: String(bootMs),
      FLOTTE_ADDRESS: '127.0.0.1',
      // Local machines share the host's logins: the developer at the laptop is no session on them.
      FLOTTE_SESSIONS: 'none',
    },
  });
  closeSync(log);
  child.unref();
  const pid = child.pid!;
  writeFileSync(join(dir, 'pid'), String(pid), { mode: 0o600 });
  return pid;
}

/** Kills the agent's whole process group (its pre-stop hook too). */
export function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

// A user's API token has no business on a machine: agents authenticate with their join token, then their credential.
function withoutUserToken(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { FLOTTE_TOKEN: _token, ...rest } = env;
  return rest;
}
