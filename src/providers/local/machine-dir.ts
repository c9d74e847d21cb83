import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { privateDir } from '../../store/data-dir.js';
import type { AgentBootstrap } from '../provider.js';

/** What a local machine's directory records about it; `machine.json` beside `pid`, `port` and `agent.log`. */
export interface LocalMachineRecord {
  id: string;
  /** The launch token that made it: a second launch with the same token returns it again. */
  token: string;
  zone: string;
  size: string;
  image: string;
  tags: Record<string, string>;
  launchedAt: number;
  /** When its agent process was last started: boot counts from here. */
  startedAt: number;
  state: 'running' | 'stopped';
  agent?: AgentBootstrap | undefined;
}

/** The machines of one `local` provider, one directory each under `<dataDir>/local/`. */
export class MachineDirs {
  readonly root: string;

  constructor(root: string) {
    // Absolute: agents run with their own directory as cwd.
    this.root = resolve(root);
    privateDir(this.root);
  }

  dir(id: string): string {
    return join(this.root, id);
  }

  write(m: LocalMachineRecord): void {
    privateDir(this.dir(m.id));
    // The record holds the launch's join token (the local stand-in for user-data): this user's only.
    writeFileSync(join(this.dir(m.id), 'machine.json'), JSON.stringify(m, null, 2), { mode: 0o600 });
  }

  read(id: string): LocalMachineRecord | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir(id), 'machine.json'), 'utf8')) as LocalMachineRecord;
    } catch {
      return undefined; // half-written by a crashed launch, or removed by a terminate
    }
  }

  all(): LocalMachineRecord[] {
    if (!existsSync(this.root)) return [];
    return readdirSync(this.root)
      .map((id) => this.read(id))
      .filter((m): m is LocalMachineRecord => m !== undefined);
  }

  pid(id: string): number | undefined {
    const n = Number(readText(join(this.dir(id), 'pid')));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  port(id: string): number | undefined {
    const n = Number(readText(join(this.dir(id), 'port')));
    return Number.isInteger(n) && n > 0 ? n : undefined;
  }

  /** The port file predates the last start: it was written by a previous run of the agent. */
  portOlderThan(id: string, startedAt: number): boolean {
    try {
      return statSync(join(this.dir(id), 'port')).mtimeMs < startedAt;
    } catch {
      return true;
    }
  }

  remove(id: string): void {
    rmSync(this.dir(id), { recursive: true, force: true });
  }
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/**
 * Whether `pid` is alive and is the agent of machine `id`. A bare liveness check is not enough:
 * after a host reboot the pid may belong to anything, and signalling it would hurt a stranger.
 */
export function isAgentProcess(pid: number | undefined, id: string): boolean {
  if (pid === undefined) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.includes('agent') && argv.includes(id);
  } catch {
    return false;
  }
}
