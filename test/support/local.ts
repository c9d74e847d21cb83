import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getJson, startUp, tempDir, waitFor, type UpProcess } from './process.js';
import type { PoolDetail as PoolBody, EventPage } from '../../src/api/contract/index.js';

export type { PoolBody };

/** The head of a flotte.yaml on the `local` provider: cluster, the provider (agents join fast) and an `agent` template. */
export function localBase(cluster: string): string {
  return `
cluster: ${cluster}
providers:
  local:
    type: local
    bootSeconds: 0.2
templates:
  agent:
    provider: local
    image: flotte-agent
    size: process
`;
}

/** A `flotte up` directory with one `local` pool, short health timings so tests stay fast. */
export function localConfig(opts: { desired: number; drainTimeout?: number; brakeShare?: number }): string {
  return `${localBase('lh')}pools:
  workers:
    template: agent
    min: 0
    max: 20
    desired: ${opts.desired}
    health:
      heartbeatInterval: 1
      heartbeatTimeout: 4
      bootGrace: 90
      drainTimeout: ${opts.drainTimeout ?? 60}
      brake: { share: ${opts.brakeShare ?? 0.3}, window: 120 }
`;
}

/** A fresh directory holding the config; separate from starting, so cleanup knows it even if the start fails. */
export function localDir(config: string): string {
  const dir = tempDir('flotte-local-');
  writeFileSync(join(dir, 'flotte.yaml'), config);
  return dir;
}

export const startLocal = (dir: string): Promise<UpProcess> => startUp(dir, ['--log-level', 'info']);

export const pool = (up: UpProcess) => getJson<PoolBody>(`${up.url}/api/v1/pools/workers`);
export const events = async (up: UpProcess) => (await getJson<EventPage>(`${up.url}/api/v1/pools/workers/events?limit=1000`)).items;

export const readyCount = (n: number, up: UpProcess) =>
  waitFor(`${n} ready`, async () => {
    const p = await pool(up);
    return p.ready === n && p.machines.length === n ? p : undefined;
  }, 120_000);

export const machineDir = (dir: string, id: string) => join(dir, '.flotte', 'local', id);

export function agentPid(dir: string, id: string): number {
  return Number(readFileSync(join(machineDir(dir, id), 'pid'), 'utf8'));
}

export function localMachineIds(dir: string): string[] {
  const root = join(dir, '.flotte', 'local');
  return existsSync(root) ? readdirSync(root).filter((n) => n.startsWith('local-')) : [];
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Agent processes started for this directory: their command line names their machine dir. */
export function agentProcesses(dir: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `${dir}/(\\.flotte/)?local/local-`], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** Machines outlive `flotte up` by design; tests end every agent they caused. */
export async function killAgents(dir: string): Promise<void> {
  for (const pid of agentProcesses(dir)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
  await waitFor('agents gone', async () => agentProcesses(dir).length === 0, 10_000);
}
