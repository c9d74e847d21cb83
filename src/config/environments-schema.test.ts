import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { instantiate } from '../domain/environments/instantiate.js';
import { appliedEnvironments } from './applied.js';
import { parseConfig } from './load.js';

const EXAMPLE = join(import.meta.dirname, '../../examples/dev-stack.yaml');
const NOW = Date.UTC(2026, 11, 7, 8, 30);

const withRole = (role: string) => `
providers: { sim: { type: sim } }
templates: { vm: { provider: sim, image: img-1, size: m5.large } }
environments:
  templates:
    stack:
      params: { version: { default: 20.18.1 } }
      roles:
        web: ${role}
`;

const errors = (role: string) => {
  const r = parseConfig(withRole(role), 'f.yaml');
  return r.ok ? [] : r.errors.map((e) => ({ path: e.path, message: e.message, hint: e.hint }));
};

describe('environment roles: user-data and readiness checks', () => {
  it('reads tcp (a bare port is on the machine itself), http and command checks with their timings', () => {
    const r = parseConfig(withRole('{ template: vm, ready: { tcp: 5432 }, userData: "#!/bin/sh\\necho {{params.version}}" }'), 'f.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(appliedEnvironments(r.applied).templates[0]!.roles[0]).toMatchObject({ userData: '#!/bin/sh\necho {{params.version}}', ready: { kind: 'tcp', target: '127.0.0.1:5432', timeoutMs: 5_000, intervalMs: 2_000 } });
  });

  it.each([
    ['two kinds at once', '{ template: vm, ready: { tcp: 5432, command: "true" } }', 'environments.templates.stack.roles.web.ready', /exactly one of tcp, http or command/],
    ['no kind', '{ template: vm, ready: { timeout: 5s } }', 'environments.templates.stack.roles.web.ready', /exactly one of tcp, http or command/],
    ['a host:port past the last port', '{ template: vm, ready: { tcp: "db:65536" } }', 'environments.templates.stack.roles.web.ready.tcp', /not a port or host:port/],
    ['a URL that is not http', '{ template: vm, ready: { http: "ftp://x/health" } }', 'environments.templates.stack.roles.web.ready.http', /not an http:\/\/ or https:\/\/ URL/],
    ['a timeout that is no duration', '{ template: vm, ready: { tcp: 80, timeout: 5 } }', 'environments.templates.stack.roles.web.ready.timeout', /./],
    ['user-data that is neither cloud-config nor a script', '{ template: vm, userData: "apt-get install -y nginx" }', 'environments.templates.stack.roles.web.userData', /cloud-init would not run/],
    ['a param the template does not declare', '{ template: vm, userData: "#!/bin/sh\\necho {{ params.verison }}" }', 'environments.templates.stack.roles.web.userData', /\{\{params\.verison\}\} names no param/],
    ['the same in a check', '{ template: vm, ready: { command: "test -d /opt/node-{{params.node}}" } }', 'environments.templates.stack.roles.web.ready.command', /\{\{params\.node\}\} names no param/],
  ])('refuses %s at its field', (_what, role, path, message) => {
    expect(errors(role)).toEqual([expect.objectContaining({ path, message: expect.stringMatching(message) })]);
  });

  it('says which params exist when one is misspelt', () => {
    expect(errors('{ template: vm, userData: "#cloud-config\\n# {{params.verison}}" }')[0]?.hint).toBe('declare verison under params, or use one of: version');
  });
});

describe('examples/dev-stack.yaml', () => {
  const parsed = parseConfig(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);

  it('parses, as shipped, into three roles, each with its cloud-init and check', () => {
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => `${e.line}:${e.col} ${e.path} ${e.message}`).join('\n'));
    const [tpl] = appliedEnvironments(parsed.applied).templates;
    expect(tpl!.roles.map((r) => [r.name, r.ready?.kind, r.userData?.split('\n')[0]])).toEqual([
      ['db', 'command', '#cloud-config'],
      ['queue', 'tcp', '#cloud-config'],
      ['app', 'http', '#!/bin/sh'],
    ]);
  });

  it('renders every placeholder of its user-data and checks when an environment is made', () => {
    if (!parsed.ok) throw new Error('example must parse');
    const [tpl] = appliedEnvironments(parsed.applied).templates;
    const fleet = new Map(parsed.applied.templates.map((t) => [t.name, { ...t, version: 1 }]));
    const made = instantiate(tpl!, { id: 'c0ffee01', name: 'fix-invoices', owner: 'alice', params: { branch: 'fix-invoices', version: '20.18.1' } }, fleet, NOW);
    if (!made.ok) throw new Error(made.problems.join('; '));
    const app = made.pools.find((p) => p.name.endsWith('-app'))!;
    expect(app.userData).toContain('v=20.18.1\n');
    expect(app.userData).toContain("--branch 'fix-invoices'");
    expect(made.pools.find((p) => p.name.endsWith('-db'))!.readiness?.target).toBe('pg_isready -h 127.0.0.1 -d invoices');
    for (const p of made.pools) expect(p.userData).not.toMatch(/\{\{/);
    // Its stopped environments are shelved: every role's pool rests that way.
    expect(tpl!.stopMode).toBe('shelve');
    expect(made.pools.map((p) => p.suspendMode)).toEqual(['shelve', 'shelve', 'shelve']);
  });
});
