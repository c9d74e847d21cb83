import { spawn, type ChildProcess } from 'node:child_process';
import { BIN, freePort } from './process.js';

/** One flotte service process (api, controller, sim-server) as a test drives it. */
export interface ServiceProcess {
  name: string;
  proc: ChildProcess;
  pid: number;
  url: string;
  output(): string;
  exited: Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** SIGKILL and wait for the exit. */
  kill(): Promise<void>;
  /** SIGSTOP / SIGCONT: a frozen process, as a long GC pause or a suspended VM would leave it. */
  freeze(): void;
  thaw(): void;
}

/** Starts `flotte <args> --port <free>` and resolves once its /healthz answers. */
export async function startService(name: string, args: string[], env: Record<string, string> = {}): Promise<ServiceProcess> {
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, ...args, '--port', String(port)], { env: { ...process.env, ...env } });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<void>((res) => proc.on('exit', () => res()));
  const url = `http://127.0.0.1:${port}`;
  // Generous: a cold start transpiles the sources through tsx, slow on a busy machine.
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${name} exited ${proc.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`${name} did not start:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const alive = () => proc.exitCode === null && proc.signalCode === null;
  const end = async (signal: NodeJS.Signals) => {
    if (alive()) {
      proc.kill('SIGCONT');
      proc.kill(signal);
    }
    await exited;
  };
  return {
    name,
    proc,
    pid: proc.pid!,
    url,
    output: () => out,
    exited,
    stop: () => end('SIGTERM'),
    kill: () => end('SIGKILL'),
    freeze: () => void (alive() && proc.kill('SIGSTOP')),
    thaw: () => void (alive() && proc.kill('SIGCONT')),
  };
}
