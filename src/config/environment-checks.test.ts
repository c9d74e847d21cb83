import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from './load.js';
import type { ConfigEnvironment } from './environment-checks.js';

/** A server whose only clouds.yaml (in its cwd) defines `demo`; no OS_* variables. */
function server(): ConfigEnvironment {
  const root = mkdtempSync(join(tmpdir(), 'flotte-env-'));
  mkdirSync(join(root, 'home'));
  writeFileSync(join(root, 'clouds.yaml'), 'clouds:\n  demo:\n    auth: { auth_url: "https://keystone.example:5000/v3", username: ci, password: x, project_name: fleet, user_domain_name: Default }\n');
  return { clouds: { cwd: root, home: join(root, 'home'), env: {} } };
}

const file = (provider: string) => `providers:
  os: ${provider}
templates:
  big: { provider: os, image: ubuntu, size: m1.large }
pools:
  web: { template: big, min: 0, max: 5 }
`;

describe('validateConfig: what a file names outside itself, resolved where flotte runs', () => {
  it('accepts a cloud the server\'s clouds.yaml defines', () => {
    expect(validateConfig(file('{ type: openstack, cloud: demo }'), 'f.yaml', server()).ok).toBe(true);
  });

  it('refuses an undefined cloud at its field, saying which clouds exist and what to do', () => {
    const r = validateConfig(file('{ type: openstack, cloud: nope }'), 'f.yaml', server());
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual([expect.objectContaining({ line: 2, col: 33, path: 'providers.os.cloud' })]);
    expect(r.errors[0]!.message).toMatch(/^cloud "nope" is not defined on the flotte server: .*clouds\.yaml: clouds\.nope: unknown cloud "nope" \(the file defines demo\)$/);
    expect(r.errors[0]!.hint).toMatch(/add "nope" there/);
  });

  it('refuses an OpenStack provider with no cloud when OS_CLOUD and OS_AUTH_URL are unset too', () => {
    const r = validateConfig(file('{ type: openstack }'), 'f.yaml', server());
    expect(!r.ok && r.errors.map((e) => [e.path, e.hint])).toEqual([['providers.os', expect.stringMatching(/OS_CLOUD/)]]);
  });

  it('reports it together with every other problem of the file', () => {
    const r = validateConfig(file('{ type: openstack, cloud: nope }').replace('max: 5', 'max: 5, colour: red'), 'f.yaml', server());
    expect(!r.ok && r.errors.map((e) => e.path)).toEqual(['providers.os.cloud', 'pools.web.colour']);
  });
});
