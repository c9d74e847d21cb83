import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CloudConfigError } from './cloud-auth.js';
import { resolveCloud } from './clouds.js';

/** A cwd and a home, each empty until a test writes files there. */
function dirs() {
  const root = mkdtempSync(join(tmpdir(), 'flotte-clouds-'));
  const cwd = join(root, 'work');
  const home = join(root, 'home');
  mkdirSync(cwd);
  mkdirSync(join(home, '.config', 'openstack'), { recursive: true });
  const write = (dir: string, name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  return { cwd, home, userDir: join(home, '.config', 'openstack'), write };
}

const PRIVATE = `
clouds:
  private:
    auth:
      auth_url: https://keystone.example:5000/v3
      username: ci
      project_name: fleet
      user_domain_name: Default
    region_name: RegionTwo
    interface: internal
    cacert: /etc/ssl/private-ca.pem
`;

function errorOf(f: () => unknown): CloudConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof CloudConfigError) return e;
    throw e;
  }
  throw new Error('expected a CloudConfigError');
}

describe('clouds.yaml', () => {
  it('selects by name, merges secure.yaml over clouds.yaml, and reads region, interface and CA', () => {
    const d = dirs();
    d.write(d.cwd, 'clouds.yaml', PRIVATE);
    d.write(d.cwd, 'secure.yaml', 'clouds:\n  private:\n    auth:\n      password: from-secure\n');
    const c = resolveCloud('private', { cwd: d.cwd, home: d.home, env: {} });
    expect(c).toMatchObject({
      name: 'private',
      authUrl: 'https://keystone.example:5000/v3',
      region: 'RegionTwo',
      interface: 'internal',
      tls: { caFile: '/etc/ssl/private-ca.pem', insecure: false },
      auth: { method: 'password', username: 'ci', password: 'from-secure', projectName: 'fleet', userDomainName: 'Default', projectDomainName: 'Default' },
    });
    expect(c.source).toContain(join(d.cwd, 'clouds.yaml'));
  });

  it('searches the current directory before ~/.config/openstack, and OS_CLOUD picks the entry', () => {
    const d = dirs();
    d.write(d.userDir, 'clouds.yaml', 'clouds:\n  a:\n    auth: {auth_url: http://home:5000, username: u, password: p}\n');
    expect(resolveCloud(undefined, { cwd: d.cwd, home: d.home, env: { OS_CLOUD: 'a' } }).authUrl).toBe('http://home:5000');
    d.write(d.cwd, 'clouds.yaml', 'clouds:\n  a:\n    auth: {auth_url: http://cwd:5000, username: u, password: p}\n');
    expect(resolveCloud(undefined, { cwd: d.cwd, home: d.home, env: { OS_CLOUD: 'a' } }).authUrl).toBe('http://cwd:5000');
  });

  it('the name in flotte.yaml wins over OS_CLOUD', () => {
    const d = dirs();
    d.write(d.cwd, 'clouds.yaml', 'clouds:\n  a: {auth: {auth_url: http://a, username: u, password: p}}\n  b: {auth: {auth_url: http://b, username: u, password: p}}\n');
    expect(resolveCloud('b', { cwd: d.cwd, home: d.home, env: { OS_CLOUD: 'a' } }).authUrl).toBe('http://b');
  });

  it('reads application credentials and verify: false', () => {
    const d = dirs();
    d.write(d.cwd, 'clouds.yaml', 'clouds:\n  ci:\n    auth_type: v3applicationcredential\n    verify: false\n    auth:\n      auth_url: https://k:5000\n      application_credential_id: ac1\n      application_credential_secret: shh\n');
    const c = resolveCloud('ci', { cwd: d.cwd, home: d.home, env: {} });
    expect(c.auth).toMatchObject({ method: 'application-credential', id: 'ac1', secret: 'shh' });
    expect(c.tls.insecure).toBe(true);
  });

  it('a missing auth_url names the file and the key', () => {
    const d = dirs();
    const file = d.write(d.cwd, 'clouds.yaml', 'clouds:\n  broken:\n    auth:\n      username: u\n      password: hunter2-secret\n');
    const e = errorOf(() => resolveCloud('broken', { cwd: d.cwd, home: d.home, env: {} }));
    expect(e.file).toBe(file);
    expect(e.key).toBe('clouds.broken.auth.auth_url');
    expect(e.message).toContain(file);
    expect(e.message).toContain('clouds.broken.auth.auth_url');
    expect(e.message).not.toContain('hunter2-secret');
  });

  it('an unknown cloud names the file, the key and the clouds it does define', () => {
    const d = dirs();
    const file = d.write(d.cwd, 'clouds.yaml', PRIVATE);
    const e = errorOf(() => resolveCloud('prod', { cwd: d.cwd, home: d.home, env: {} }));
    expect(e.message).toBe(`${file}: clouds.prod: unknown cloud "prod" (the file defines private)`);
  });

  it('no clouds.yaml at all says where it looked', () => {
    const d = dirs();
    const e = errorOf(() => resolveCloud('prod', { cwd: d.cwd, home: d.home, env: {} }));
    expect(e.message).toContain(d.cwd);
    expect(e.message).toContain(join(d.home, '.config', 'openstack'));
    expect(e.message).toContain('/etc/openstack');
  });

  it('a missing password names the key, and bad YAML names the file', () => {
    const d = dirs();
    d.write(d.cwd, 'clouds.yaml', 'clouds:\n  x: {auth: {auth_url: http://k, username: u}}\n');
    expect(errorOf(() => resolveCloud('x', { cwd: d.cwd, home: d.home, env: {} })).key).toBe('clouds.x.auth.password');
    const bad = d.write(d.cwd, 'clouds.yaml', 'clouds: [\n');
    expect(errorOf(() => resolveCloud('x', { cwd: d.cwd, home: d.home, env: {} })).file).toBe(bad);
  });
});

describe('OS_* variables (openrc)', () => {
  const openrc = {
    OS_AUTH_URL: 'http://127.0.0.1:5000/v3',
    OS_USERNAME: 'demo',
    OS_PASSWORD: 'demo-password',
    OS_PROJECT_NAME: 'demo',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
    OS_INTERFACE: 'public',
  };

  it('are used when no cloud is named', () => {
    const d = dirs();
    const c = resolveCloud(undefined, { cwd: d.cwd, home: d.home, env: openrc });
    expect(c).toMatchObject({ name: 'envvars', authUrl: openrc.OS_AUTH_URL, region: 'RegionOne', interface: 'public', auth: { method: 'password', username: 'demo', password: 'demo-password', projectName: 'demo' } });
  });

  it('name the variable that is missing, without echoing the password', () => {
    const d = dirs();
    const { OS_AUTH_URL: _u, ...noUrl } = openrc;
    const e = errorOf(() => resolveCloud(undefined, { cwd: d.cwd, home: d.home, env: { ...noUrl, OS_CLOUD: '' } }));
    expect(e.key).toBe('OS_CLOUD');
    const { OS_USERNAME: _n, ...noUser } = openrc;
    const e2 = errorOf(() => resolveCloud(undefined, { cwd: d.cwd, home: d.home, env: noUser }));
    expect(e2.key).toBe('OS_USERNAME');
    expect(e2.message).not.toContain('demo-password');
  });
});
