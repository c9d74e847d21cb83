import { describe, expect, it } from 'vitest';
import type { Template } from '../types.js';
import { instantiate, renderOutputs, renderRoleText } from './instantiate.js';
import type { EnvTemplate } from './types.js';

const NOW = Date.UTC(2026, 11, 6, 9, 0);
const H = 3_600_000;

const small: Template = { name: 'small', version: 3, provider: 'sim', image: 'img-1', sizes: ['m5.large'], zones: ['a', 'b'], tags: {} };
const fleet = new Map([['small', small]]);

const tpl = (over: Partial<EnvTemplate> = {}): EnvTemplate => ({
  name: 'review',
  version: 4,
  roles: [{ name: 'app', template: 'small', count: 2, readyTimeoutMs: 600_000 }],
  params: [{ name: 'branch', pattern: '[a-z0-9-]+' }, { name: 'region', default: 'eu' }],
  outputs: {},
  defaultTtlMs: 8 * H,
  maxTtlMs: 48 * H,
  warm: 0,
  ...over,
});

describe('instantiate', () => {
  it('makes the environment record and one pool per role that scales to zero on release', () => {
    const r = instantiate(tpl(), { id: 'e-42', name: 'fix-login', owner: 'alice', params: { branch: 'fix-login' } }, fleet, NOW);
    expect(r).toEqual({
      ok: true,
      env: {
        id: 'e-42',
        name: 'fix-login',
        owner: 'alice',
        template: 'review',
        templateVersion: 4,
        params: { branch: 'fix-login', region: 'eu' },
        roles: [{ name: 'app', pool: 'env-e-42-app', template: 'small', count: 2, readyTimeoutMs: 600_000 }],
        status: 'creating',
        outputs: {},
        createdAt: NOW,
        expiresAt: NOW + 8 * H,
      },
      pools: [
        {
          name: 'env-e-42-app',
          provider: 'sim',
          template: 'small',
          min: 0,
          max: 2,
          desired: 2,
          zones: ['a', 'b'],
          labels: { 'flotte:env': 'e-42', 'flotte:env-role': 'app', 'flotte:owner': 'alice' },
          maxLaunching: 2,
          deletionOrder: 'oldest-first',
        },
      ],
    });
  });

  it('takes the asked TTL up to the template’s longest, exactly at it included', () => {
    const r = instantiate(tpl(), { id: 'e-1', name: 'x', owner: 'bob', params: { branch: 'main' }, ttlMs: 48 * H }, fleet, NOW);
    expect(r.ok && r.env.expiresAt).toBe(NOW + 48 * H);
  });

  it('refuses with every problem at once, and makes nothing', () => {
    const r = instantiate(
      tpl({ roles: [{ name: 'db', template: 'large', count: 1, readyTimeoutMs: 600_000 }] }),
      { id: 'e-1', name: 'x', owner: 'bob', params: { branch: 'Fix_Login', colour: 'red' }, ttlMs: 49 * H },
      fleet,
      NOW,
    );
    expect(r).toEqual({
      ok: false,
      problems: [
        'param branch="Fix_Login" does not match [a-z0-9-]+',
        'template review has no param colour (it has: branch, region)',
        'ttl 2940m is longer than template review allows (2880m)',
        'role db: fleet template large does not exist',
      ],
    });
  });

  it('names a required param that is missing, and a template without params says so', () => {
    expect(instantiate(tpl(), { id: 'e-1', name: 'x', owner: 'bob', params: {} }, fleet, NOW)).toEqual({ ok: false, problems: ['param branch is required'] });
    expect(instantiate(tpl({ params: [] }), { id: 'e-1', name: 'x', owner: 'bob', params: { branch: 'a' } }, fleet, NOW)).toEqual({
      ok: false,
      problems: ['template review has no param branch (it has: none)'],
    });
  });

  it('gives a role’s pool its rendered user-data and readiness check, and the role keeps the check', () => {
    const ready = { kind: 'http' as const, target: 'http://127.0.0.1:8080/{{role}}/{{params.branch}}', timeoutMs: 5_000, intervalMs: 2_000 };
    const rendered = { ...ready, target: 'http://127.0.0.1:8080/db/main' };
    const userData = '#!/bin/sh\necho {{role}} of {{env.name}} ({{env.id}}) on {{params.branch}} in {{ params.region }}\n';
    const r = instantiate(tpl({ roles: [{ name: 'db', template: 'small', count: 1, readyTimeoutMs: 600_000, userData, ready }] }), { id: 'e-7', name: 'pg', owner: 'bob', params: { branch: 'main' } }, fleet, NOW);
    if (!r.ok) throw new Error(r.problems.join('; '));
    expect(r.pools[0]).toMatchObject({ userData: '#!/bin/sh\necho db of pg (e-7) on main in eu\n', readiness: rendered });
    expect(r.env.roles[0]!.ready).toEqual(rendered);
  });

  it('a template that shelves its stopped environments makes pools that shelve; one that stops them, pools that stop', () => {
    const req = { id: 'e-9', name: 'gpu-box', owner: 'carol', params: { branch: 'main' } };
    const shelved = instantiate(tpl({ stopMode: 'shelve' }), req, fleet, NOW);
    expect(shelved.ok && shelved.pools.map((p) => p.suspendMode)).toEqual(['shelve']);
    const stopped = instantiate(tpl({ stopMode: 'stop' }), req, fleet, NOW);
    expect(stopped.ok && stopped.pools.map((p) => p.suspendMode)).toEqual([undefined]);
  });

  it('a pattern must match the whole value', () => {
    const r = instantiate(tpl(), { id: 'e-1', name: 'x', owner: 'bob', params: { branch: 'ok; rm -rf' } }, fleet, NOW);
    expect(r.ok).toBe(false);
  });
});

describe('renderOutputs', () => {
  const env = { id: 'e-42', name: 'fix-login', owner: 'alice', params: { branch: 'fix-login' } };
  const facts = { machines: new Map([['app', ['m-1', 'm-2']]]), addresses: new Map([['app', ['10.0.0.1', '10.0.0.2']]]) };

  it('fills params, the environment’s names and the roles’ machines and addresses', () => {
    const out = renderOutputs(
      { url: 'https://{{ params.branch }}.review.example', who: '{{env.owner}}/{{env.name}}/{{env.id}}', hosts: '{{roles.app.machines}} at {{roles.app.addresses}}', db: 'postgres://{{roles.app.address}}:5432' },
      env,
      facts,
    );
    expect(out).toEqual({ url: 'https://fix-login.review.example', who: 'alice/fix-login/e-42', hosts: 'm-1,m-2 at 10.0.0.1,10.0.0.2', db: 'postgres://10.0.0.1:5432' });
  });

  it('leaves an unknown placeholder visible', () => {
    const text = '{{params.nope}} {{env.template}} {{roles.db.machines}} {{roles.db.addresses}} {{roles.db.address}} {{roles.app.disks}} {{other.x}} {{params}} {{other.name}} {{other.app}} {{other.app.machines}} {{other.app.addresses}} {{roles}} {{env.params}} {{env.app.address}} {{other.app.address}}';
    expect(renderOutputs({ a: text }, env, facts).a).toBe(text);
  });
});

describe('renderRoleText', () => {
  it('leaves cloud-init’s own Jinja placeholders and unknown names as written', () => {
    const text = '## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}-{{role}}\n# {{params.nope}} {{env.owner}}\n';
    expect(renderRoleText(text, { id: 'e-1', name: 'x', params: {} }, 'app')).toBe('## template: jinja\n#cloud-config\nhostname: {{ v1.local_hostname }}-app\n# {{params.nope}} {{env.owner}}\n');
  });

  it('offers only the id and name of the environment, even from a full record: a warm one boots before it has an owner', () => {
    const env = { id: 'e-3', name: 'fix-login', owner: 'alice', template: 'review', params: { branch: 'fix-login' } };
    expect(renderRoleText('{{env.name}} ({{env.id}}) of {{env.owner}}, {{env.template}}; {{owner.name}} {{pool.id}}', env, 'app')).toBe('fix-login (e-3) of {{env.owner}}, {{env.template}}; {{owner.name}} {{pool.id}}');
  });
});
