import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock/clock.js';
import { TAG } from '../../domain/types.js';
import {
  emptyBatch,
  inPools,
  type BatchResult,
  type LaunchRequest,
  type LaunchResult,
  type OwnerFilter,
  type Provider,
  type ProviderCapabilities,
  type ProviderLimits,
  type ProviderMachine,
} from '../provider.js';
import { isAgentProcess, MachineDirs, type LocalMachineRecord } from './machine-dir.js';
import { killGroup, spawnAgent } from './spawn-agent.js';

export interface LocalOptions {
  /** `<dataDir>/local`. */
  root: string;
  zones: string[];
  bootMs: number;
}

const GENEROUS = { capacity: 1000, refillPerSecond: 1000 };

/**
 * Machines that are real `flotte agent` processes on this host. The directory is the machine
 * (its "disk"); the process is what runs on it. A machine whose process died is still listed
 * as running, as a cloud lists a VM whose agent crashed: finding that out is the heartbeat's
 * job, and the local provider is there to exercise exactly that path.
 */
export class LocalProvider implements Provider {
  readonly name = 'local';
  readonly capabilities: ProviderCapabilities = { stopStart: true, reboot: true, batchLaunch: true, agent: true };
  readonly limits: ProviderLimits = {
    idsPerCall: 1000,
    launchPerCall: 100,
    buckets: { describe: GENEROUS, mutate: GENEROUS, launch: GENEROUS },
    // Directories are written before launch returns: a machine is listed as soon as it exists.
    listGraceMs: 0,
  };
  private readonly dirs: MachineDirs;

  constructor(
    private readonly options: LocalOptions,
    private readonly clock: Clock,
  ) {
    this.dirs = new MachineDirs(options.root);
  }

  async launch(request: LaunchRequest): Promise<LaunchResult> {
    const made = this.dirs.all().filter((m) => m.token === request.token);
    const now = this.clock.now();
    for (let i = made.length; i < request.count; i++) {
      const m: LocalMachineRecord = {
        id: `local-${randomBytes(5).toString('hex')}`,
        token: request.token,
        zone: request.zone,
        size: request.size,
        image: request.template.image,
        tags: { ...request.tags },
        launchedAt: now,
        startedAt: now,
        state: 'running',
        agent: request.agent,
      };
      this.dirs.write(m);
      spawnAgent(m, this.dirs.dir(m.id), this.options.bootMs);
      made.push(m);
    }
    return { launched: made.map((m) => this.view(m)), failed: null };
  }

  async terminate(ids: readonly string[]): Promise<BatchResult> {
    return this.each(ids, (m) => {
      this.kill(m);
      this.dirs.remove(m.id);
    });
  }

  async reboot(ids: readonly string[]): Promise<BatchResult> {
    return this.each(ids, (m) => this.restart(m));
  }

  async stop(ids: readonly string[]): Promise<BatchResult> {
    return this.each(ids, (m) => {
      this.kill(m);
      this.dirs.write({ ...m, state: 'stopped' });
    });
  }

  async start(ids: readonly string[]): Promise<BatchResult> {
    return this.each(ids, (m) => {
      if (m.state === 'stopped' || !isAgentProcess(this.dirs.pid(m.id), m.id)) this.restart(m);
    });
  }

  async list(filter: OwnerFilter): Promise<ProviderMachine[]> {
    return this.dirs
      .all()
      .filter((m) => m.tags[TAG.cluster] === filter.cluster && inPools(filter, m.tags[TAG.pool]))
      .map((m) => this.view(m));
  }

  private restart(m: LocalMachineRecord): void {
    this.kill(m);
    const started = { ...m, state: 'running' as const, startedAt: this.clock.now() };
    this.dirs.write(started);
    spawnAgent(started, this.dirs.dir(m.id), this.options.bootMs);
  }

  private kill(m: LocalMachineRecord): void {
    const pid = this.dirs.pid(m.id);
    if (pid !== undefined && isAgentProcess(pid, m.id)) killGroup(pid);
  }

  private each(ids: readonly string[], fn: (m: LocalMachineRecord) => void): BatchResult {
    const out = emptyBatch();
    for (const id of ids) {
      const m = this.dirs.read(id);
      if (!m) {
        out.notFound.push(id);
        continue;
      }
      fn(m);
      out.done.push(id);
    }
    return out;
  }

  private view(m: LocalMachineRecord): ProviderMachine {
    const port = this.dirs.port(m.id);
    // Booting until the agent has started its endpoint: spawning node is slow on a busy host.
    const booting = m.state === 'running' && (this.clock.now() - m.startedAt < this.options.bootMs || port === undefined || this.dirs.portOlderThan(m.id, m.startedAt));
    return {
      id: m.id,
      status: m.state === 'stopped' ? 'stopped' : booting ? 'pending' : 'running',
      zone: m.zone,
      size: m.size,
      image: m.image,
      launchedAt: m.launchedAt,
      tags: m.tags,
      // The agent writes its port once its endpoint listens: the address appears after boot.
      addresses: port !== undefined ? [{ kind: 'local', value: `127.0.0.1:${port}` }] : [],
    };
  }
}
