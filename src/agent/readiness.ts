import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import type { Clock } from '../clock/clock.js';
import { READINESS_OUTPUT_MAX, type AgentReadinessCheck as ReadinessCheck, type AgentReadinessResult as ReadinessResult } from '../api/contract/index.js';

/** Keeps the end of what a check saw: a command's last lines say why it failed. */
const clip = (text: string): string => {
  const t = text.trim();
  return t.length <= READINESS_OUTPUT_MAX ? t : `…${t.slice(t.length - READINESS_OUTPUT_MAX + 1)}`;
};

/**
 * One attempt at a readiness check, on this machine: a TCP connect, an HTTP GET that must
 * answer 2xx or 3xx, or a shell command that must exit 0, each given `timeoutMs`. Never
 * throws: a failure is a result, with what was seen (the connect error, the status and the
 * start of the body, the command's output).
 */
export async function runCheck(check: ReadinessCheck, clock: Clock, signal?: AbortSignal): Promise<ReadinessResult> {
  const limit = new AbortController();
  const stop = signal ? AbortSignal.any([limit.signal, signal]) : limit.signal;
  const timedOut = clock.sleep(check.timeoutMs, stop).then(
    (): Omit<ReadinessResult, 'at'> => ({ ok: false, output: `no answer within ${check.timeoutMs / 1000}s` }),
    () => new Promise<never>(() => undefined), // cancelled: the attempt's own outcome wins
  );
  try {
    const tried = attempt(check, stop).catch((e: unknown) => ({ ok: false, output: (e as Error).message })); // a port out of range, say
    const outcome = await Promise.race([tried, timedOut]);
    return { ...outcome, output: clip(outcome.output), at: clock.now() };
  } finally {
    limit.abort(); // ends whatever is still running: the socket, the request, the command's process group
  }
}

function attempt(check: ReadinessCheck, stop: AbortSignal): Promise<Omit<ReadinessResult, 'at'>> {
  if (check.kind === 'tcp') return tcp(check.target, stop);
  if (check.kind === 'http') return http(check.target, stop);
  return command(check.target, stop);
}

function tcp(target: string, stop: AbortSignal): Promise<Omit<ReadinessResult, 'at'>> {
  const at = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, at), Number(target.slice(at + 1))];
  return new Promise((resolve) => {
    const socket = connect({ host, port, signal: stop });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ ok: true, output: `connected to ${target}` });
    });
    socket.once('error', (e) => resolve({ ok: false, output: e.message }));
  });
}

async function http(url: string, stop: AbortSignal): Promise<Omit<ReadinessResult, 'at'>> {
  try {
    const res = await fetch(url, { signal: stop, redirect: 'manual' });
    const body = (await res.text()).slice(0, 200);
    return { ok: res.status >= 200 && res.status < 400, output: `HTTP ${res.status}${body ? `: ${body}` : ''}` };
  } catch (e) {
    const cause = (e as { cause?: { message?: string } }).cause?.message;
    return { ok: false, output: cause ?? (e as Error).message };
  }
}

/** Through the shell, in its own process group so that a timeout kills what it started too. */
function command(line: string, stop: AbortSignal): Promise<Omit<ReadinessResult, 'at'>> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', line], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString('utf8')).slice(-4 * READINESS_OUTPUT_MAX));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // exited meanwhile
      }
    };
    stop.addEventListener('abort', kill, { once: true });
    child.once('error', (e) => resolve({ ok: false, output: e.message }));
    child.once('close', (code, sig) => {
      stop.removeEventListener('abort', kill);
      const seen = output.trim();
      if (code === 0) resolve({ ok: true, output: seen || 'exit 0' });
      else resolve({ ok: false, output: `${sig ? `killed by ${sig}` : `exit ${code}`}${seen ? `: ${seen}` : ''}` });
    });
  });
}

/**
 * Runs the pool's check every `intervalMs` until `signal` aborts, keeping the last result for
 * the heartbeats, and calls `changed` when it starts or stops passing: the agent then reports
 * at once instead of one heartbeat later.
 */
export class ReadinessProbe {
  last: ReadinessResult | undefined;

  constructor(
    readonly check: ReadinessCheck,
    private readonly clock: Clock,
    private readonly changed: () => void,
  ) {}

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const result = await runCheck(this.check, this.clock, signal);
      if (signal.aborted) return;
      const flipped = result.ok !== this.last?.ok;
      this.last = result;
      if (flipped) this.changed();
      await this.clock.sleep(this.check.intervalMs, signal).catch(() => undefined);
    }
  }
}
