import { describe, expect, it } from 'vitest';
import { parseConfig } from './load.js';

const withHooks = (hooks: string) => `
providers:
  sim: { type: sim }
templates:
  small: { provider: sim, image: img, size: m5.large }
pools:
  web:
    template: small
    min: 0
    max: 10
    hooks:
${hooks.replace(/^/gm, '      ')}
`;

const errorsOf = (hooks: string) => {
  const r = parseConfig(withHooks(hooks), 'f.yaml');
  if (r.ok) throw new Error('expected errors');
  return r.errors.map((e) => ({ path: e.path, message: e.message, hint: e.hint }));
};

describe('pools.<name>.hooks in flotte.yaml', () => {
  it('reads webhook and command hooks in order, in milliseconds, with the defaults: 60 s and abandon', () => {
    const r = parseConfig(
      withHooks('launch:\n  - { name: register, webhook: { url: "https://lb.example/hooks", secretEnv: LB_KEY } }\n  - { name: warm, command: ./warm.sh, timeout: 120, defaultResult: continue }\nterminate:\n  - { name: deregister, webhook: { url: "http://127.0.0.1:9/x", secretFile: /etc/flotte/lb.key }, timeout: 30 }'),
      'f.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.applied.pools[0]!.hooks).toEqual({
      launch: [
        { name: 'register', webhook: { url: 'https://lb.example/hooks', secret: { env: 'LB_KEY' } }, timeoutMs: 60_000, defaultResult: 'abandon' },
        { name: 'warm', command: './warm.sh', timeoutMs: 120_000, defaultResult: 'continue' },
      ],
      terminate: [{ name: 'deregister', webhook: { url: 'http://127.0.0.1:9/x', secret: { file: '/etc/flotte/lb.key' } }, timeoutMs: 30_000, defaultResult: 'abandon' }],
    });
  });

  it('a pool without hooks, or with empty lists, stores none', () => {
    const r = parseConfig(withHooks('launch: []'), 'f.yaml');
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.applied.pools[0]!.hooks).toBeUndefined();
  });

  it('a hook is a webhook or a command, never both nor neither; errors name the hook', () => {
    expect(errorsOf('launch:\n  - { name: a, command: x, webhook: { url: "https://h.example", secretEnv: K } }\n  - { name: b }')).toEqual([
      { path: 'pools.web.hooks.launch[0]', message: 'give exactly one of webhook and command', hint: expect.stringContaining('command: …') },
      { path: 'pools.web.hooks.launch[1]', message: 'give exactly one of webhook and command', hint: expect.stringContaining('webhook: {') },
    ]);
  });

  it('a webhook is signed: exactly one of secretEnv and secretFile, and an http(s) URL', () => {
    const errors = errorsOf('terminate:\n  - { name: a, webhook: { url: "ftp://h.example/x" } }');
    expect(errors.map((e) => [e.path, e.message])).toEqual(
      expect.arrayContaining([
        ['pools.web.hooks.terminate[0].webhook.url', 'the receiver must be an http:// or https:// URL'],
        ['pools.web.hooks.terminate[0].webhook', 'give exactly one of secretEnv and secretFile'],
      ]),
    );
    expect(errors).toHaveLength(2);
  });

  it('timeouts are positive and at most two hours; results are continue or abandon', () => {
    const errors = errorsOf('launch:\n  - { name: a, command: x }\n  - { name: b, command: y, timeout: 7201 }\n  - { name: c, command: z, timeout: 0, defaultResult: retry }');
    expect(errors.map((e) => e.path)).toEqual(['pools.web.hooks.launch[1].timeout', 'pools.web.hooks.launch[2].timeout', 'pools.web.hooks.launch[2].defaultResult']);
    expect(errors[0]!.message).toContain('must be ≤ 7200');
    expect(errors[2]!.hint).toContain('continue');
  });

  it('names are unique per list (the same name may serve at launch and at terminate)', () => {
    expect(errorsOf('launch:\n  - { name: a, command: x }\n  - { name: a, command: y }\nterminate:\n  - { name: a, command: z }')).toEqual([
      { path: 'pools.web.hooks.launch[1].name', message: 'hook "a" is listed twice', hint: 'give each hook of a list its own name' },
    ]);
  });

  it('at most 50 hooks per transition; an unknown transition is refused', () => {
    const many = Array.from({ length: 51 }, (_, i) => `  - { name: h${i}, command: "true" }`).join('\n');
    expect(errorsOf(`launch:\n${many}`)).toEqual([{ path: 'pools.web.hooks.launch', message: 'needs at most 50 item(s)', hint: 'remove items from the list' }]);
    expect(errorsOf('stop: []')[0]).toMatchObject({ path: 'pools.web.hooks.stop' });
  });
});
