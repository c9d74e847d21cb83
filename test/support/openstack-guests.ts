import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { realClock } from '../../src/clock/clock.js';
import type { OpenStackAdmin } from './openstack.js';
import { BIN, freePort, tempDir } from './process.js';

interface NovaServerView {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, string>;
  'OS-EXT-SRV-ATTR:user_data'?: string | null;
}

/** What a server's user-data tells its agent: the join settings and the flags of `flotte agent`. */
export interface AgentLaunch {
  env: Record<string, string>;
  flags: string[];
}

/**
 * Reads the agent's part of a server's user-data as cloud-init would run it: the env file's
 * FLOTTE_* lines and the `flotte agent` flags of the systemd unit.
 */
export function agentLaunchOf(userData: string): AgentLaunch | undefined {
  const env: Record<string, string> = {};
  for (const [, k, v] of userData.matchAll(/^\s*(FLOTTE_[A-Z_]+)=(.*)$/gm)) env[k!] = v!.trim();
  const exec = /ExecStart=\/usr\/bin\/env flotte agent(.*)$/m.exec(userData);
  if (!exec || !env.FLOTTE_JOIN_TOKEN) return undefined;
  return { env, flags: exec[1]!.trim().split(/\s+/).filter(Boolean) };
}

/**
 * Nova's fake driver boots no guest, so nothing would run a server's user-data. This stands in
 * for the guests: for each ACTIVE server of the cluster it starts, on this host, the agent the
 * server's user-data would start (the same flags and join settings), which learns who it is
 * from a metadata service answering as the server's would (its uuid and metadata). When Nova
 * says a server is no longer ACTIVE (stopped, shelved, deleted), its agent is stopped, as the
 * guest's would be; a server ACTIVE again gets a new one, as a booted guest would.
 */
export class GuestStandIns {
  private readonly agents = new Map<string, ChildProcess>();
  /** Agents started per server, over the run. */
  readonly starts = new Map<string, number>();
  /** The user-data of each server seen, as Nova holds it. */
  readonly userData = new Map<string, string>();
  private metadata = new Map<string, NovaServerView>();
  private http?: Server;
  private timer?: NodeJS.Timeout;
  private polling = false;
  private stopped = false;

  constructor(
    private readonly admin: OpenStackAdmin,
    private readonly cluster: string,
  ) {}

  async start(): Promise<void> {
    this.http = createServer((req, res) => {
      const m = /^\/([0-9a-f-]+)\/openstack\/latest\/meta_data\.json$/.exec(req.url ?? '');
      const s = m && this.metadata.get(m[1]!);
      if (!s) return void res.writeHead(404).end();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ uuid: s.id, name: s.name, meta: s.metadata ?? {} }));
    });
    await new Promise<void>((resolve) => this.http!.listen(0, '127.0.0.1', resolve));
    this.timer = setInterval(() => void this.poll(), 1_000);
  }

  /** Servers with an agent running now. */
  running(): string[] {
    return [...this.agents.keys()];
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const { body } = await this.admin.call('GET', 'compute', 'servers/detail?all_tenants=1&limit=1000');
      const ours = (body as { servers: NovaServerView[] }).servers.filter((s) => s.metadata?.['flotte:cluster'] === this.cluster);
      const active = new Set(ours.filter((s) => s.status === 'ACTIVE').map((s) => s.id));
      for (const [id, child] of this.agents) {
        if (!active.has(id)) this.kill(id, child);
      }
      for (const s of ours) {
        if (s.status !== 'ACTIVE' || this.agents.has(s.id) || this.stopped) continue;
        const { body: one } = await this.admin.call('GET', 'compute', `servers/${s.id}`);
        const server = (one as { server: NovaServerView }).server;
        const text = Buffer.from(server['OS-EXT-SRV-ATTR:user_data'] ?? '', 'base64').toString('utf8');
        this.userData.set(s.id, text);
        this.metadata.set(s.id, server);
        const launch = agentLaunchOf(text);
        if (launch) await this.spawnAgent(s.id, launch);
      }
    } catch {
      // Nova busy or restarting: the next poll looks again.
    } finally {
      this.polling = false;
    }
  }

  private async spawnAgent(id: string, launch: AgentLaunch): Promise<void> {
    const port = (this.http!.address() as AddressInfo).port;
    const child = spawn(process.execPath, [BIN, 'agent', ...launch.flags, '--metadata-url', `http://127.0.0.1:${port}/${id}`, '--port', String(await freePort()), '--dir', tempDir('flotte-guest-')], {
      // No login sessions on a stand-in (utmp is this host's); an agent whose controller is gone gives up after 2 minutes.
      env: { ...process.env, ...launch.env, FLOTTE_SESSIONS: 'none', FLOTTE_ORPHAN_AFTER_MS: '120000' },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    this.agents.set(id, child);
    this.starts.set(id, (this.starts.get(id) ?? 0) + 1);
    child.once('exit', () => {
      if (this.agents.get(id) === child) this.agents.delete(id);
    });
  }

  private kill(id: string, child: ChildProcess): void {
    this.agents.delete(id);
    child.kill('SIGKILL');
  }

  /** Stops every agent and the metadata service; waits until each agent process is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    for (let i = 0; i < 100 && this.polling; i++) await realClock.sleep(100);
    const children = [...this.agents.values()];
    for (const [id, child] of this.agents) this.kill(id, child);
    await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
    await new Promise((r) => this.http?.close(r) ?? r(undefined));
  }
}
