import { spawn } from 'node:child_process';
import type { Clock } from '../clock/clock.js';

/**
 * Runs the pool's pre-stop hook through the shell, killed (with its process group) when it
 * outlives its timeout or the agent ends (`agentEnded`): in its own group, it would otherwise
 * outlive the agent. Resolves with how it ended; a failing hook does not stop the drain.
 */
export async function runPreStop(command: string, timeoutMs: number, clock: Clock, agentEnded?: AbortSignal): Promise<'ok' | 'failed' | 'timeout'> {
  const child = spawn('/bin/sh', ['-c', command], { stdio: 'inherit', detached: true });
  const exited = new Promise<'ok' | 'failed'>((resolve) => {
    child.once('exit', (code) => resolve(code === 0 ? 'ok' : 'failed'));
    child.once('error', () => resolve('failed'));
  });
  const stop = new AbortController();
  const timedOut = clock.sleep(timeoutMs, agentEnded ? AbortSignal.any([stop.signal, agentEnded]) : stop.signal).then(
    () => 'timeout' as const,
    () => (agentEnded?.aborted ? ('timeout' as const) : ('cancelled' as const)),
  );
  const outcome = await Promise.race([exited, timedOut]);
  stop.abort();
  if (outcome === 'timeout') {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // exited meanwhile
    }
    return 'timeout';
  }
  return outcome === 'cancelled' ? 'failed' : outcome;
}
