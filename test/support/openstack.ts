import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { realClock } from '../../src/clock/clock.js';
import { connectOpenStack, type ConnectedOpenStack, type OpenStackOptionsInput } from '../../src/providers/openstack/index.js';
import type { HttpRequest } from '../../src/providers/openstack/http.js';
import { keystoneService, type Service } from './services.js';

/**
 * How the OpenStack suites find the cloud `../shared/openstack-dev/start.sh` started: its
 * state dir (FLOTTE_TEST_OPENSTACK_DIR, default /tmp/openstack-dev) holds `openrc` (admin)
 * and `openrc.demo` (the project flotte runs as). Without those files, the OS_* variables of
 * the test's own environment are used for both.
 */
export const OPENSTACK_DIR = process.env.FLOTTE_TEST_OPENSTACK_DIR ?? '/tmp/openstack-dev';

export function openrc(file: 'openrc' | 'openrc.demo'): NodeJS.ProcessEnv {
  const path = join(OPENSTACK_DIR, file);
  if (!existsSync(path)) return { ...process.env };
  const env: NodeJS.ProcessEnv = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?(OS_[A-Z_]+)=(.*)$/.exec(line);
    if (m) env[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

export function openstackService(): Service {
  return keystoneService(openrc('openrc.demo').OS_AUTH_URL ?? 'http://127.0.0.1:5000/v3');
}

/** flotte's provider as the demo user, configured from the openrc (no clouds.yaml involved). */
export function demoProvider(options: OpenStackOptionsInput = {}): ConnectedOpenStack {
  return connectOpenStack(options, realClock, { env: openrc('openrc.demo'), cwd: OPENSTACK_DIR });
}

/**
 * What the test does as the cloud's administrator, behind flotte's back: quotas, token
 * revocation, deleting a server, reading Nova's own records of what was done.
 */
export class OpenStackAdmin {
  private readonly os = connectOpenStack({}, realClock, { env: openrc('openrc'), cwd: OPENSTACK_DIR });

  async call(method: HttpRequest['method'], service: 'compute' | 'identity', path: string, json?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const base = await this.os.session.endpoint(service);
    const url = `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    const res = await this.os.session.send({ method, url, json, headers: { 'openstack-api-version': 'compute 2.60', ...headers } });
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }

  async projectId(name: string): Promise<string> {
    const { body } = await this.call('GET', 'identity', `projects?name=${encodeURIComponent(name)}`);
    const id = (body as { projects: { id: string }[] }).projects[0]?.id;
    if (!id) throw new Error(`no project ${name}`);
    return id;
  }

  /** -1 lifts the limit. */
  async setInstanceQuota(projectId: string, instances: number): Promise<void> {
    await this.call('PUT', 'compute', `os-quota-sets/${projectId}`, { quota_set: { instances } });
  }

  async revokeToken(token: string): Promise<void> {
    await this.call('DELETE', 'identity', 'auth/tokens', undefined, { 'x-subject-token': token });
  }

  async deleteServer(id: string): Promise<void> {
    await this.call('DELETE', 'compute', `servers/${id}`);
  }

  /** Every server of every project whose metadata names `cluster` (or one starting with it), as Nova itself lists them. */
  async serversOf(cluster: string, opts: { prefix?: boolean } = {}): Promise<{ id: string; status: string }[]> {
    const out: { id: string; status: string; metadata?: Record<string, string> }[] = [];
    let marker = '';
    for (;;) {
      const { body } = await this.call('GET', 'compute', `servers/detail?all_tenants=1&limit=200${marker ? `&marker=${marker}` : ''}`);
      const page = (body as { servers: { id: string; status: string; metadata?: Record<string, string> }[] }).servers;
      out.push(...page);
      if (page.length < 200) break;
      marker = page[page.length - 1]!.id;
    }
    const ours = (c: string | undefined) => c !== undefined && (opts.prefix ? c.startsWith(cluster) : c === cluster);
    return out.filter((s) => ours(s.metadata?.['flotte:cluster'])).map(({ id, status }) => ({ id, status }));
  }

  /**
   * A project of its own with a member user, so a suite's servers count against no other suite's
   * quota: the OS_* variables to run as that user, and the way to remove both afterwards.
   */
  async ownProject(name: string): Promise<{ env: Record<string, string>; userId: string; remove: () => Promise<void> }> {
    const password = randomBytes(12).toString('hex');
    const project = ((await this.call('POST', 'identity', 'projects', { project: { name, domain_id: 'default' } })).body as { project: { id: string } }).project.id;
    const user = ((await this.call('POST', 'identity', 'users', { user: { name, password, domain_id: 'default', default_project_id: project } })).body as { user: { id: string } }).user.id;
    const role = ((await this.call('GET', 'identity', 'roles?name=member')).body as { roles: { id: string }[] }).roles[0]!.id;
    await this.call('PUT', 'identity', `projects/${project}/users/${user}/roles/${role}`);
    const base = openrc('openrc.demo');
    const env = { ...Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined)), OS_USERNAME: name, OS_PASSWORD: password, OS_PROJECT_NAME: name };
    return {
      env,
      userId: user,
      remove: async () => {
        await this.call('DELETE', 'identity', `users/${user}`).catch(() => undefined);
        await this.call('DELETE', 'identity', `projects/${project}`).catch(() => undefined);
      },
    };
  }

  /** Nova's instance-action log of one server: `create`, `reboot`, `stop`, `start`… */
  async actions(id: string): Promise<string[]> {
    const { body } = await this.call('GET', 'compute', `servers/${id}/os-instance-actions`);
    return (body as { instanceActions: { action: string }[] }).instanceActions.map((a) => a.action);
  }

  /** Deletes every server of `cluster` (or of every cluster starting with it) and waits until Nova lists none. */
  async purge(cluster: string, opts: { prefix?: boolean; timeoutMs?: number } = {}): Promise<void> {
    const deadline = realClock.now() + (opts.timeoutMs ?? 120_000);
    for (;;) {
      const left = await this.serversOf(cluster, opts);
      if (left.length === 0) return;
      if (realClock.now() > deadline) throw new Error(`servers of ${cluster} still listed: ${left.map((s) => `${s.id}:${s.status}`).join(', ')}`);
      await Promise.all(left.filter((s) => s.status !== 'DELETED').map((s) => this.deleteServer(s.id).catch(() => undefined)));
      await realClock.sleep(2_000);
    }
  }
}
