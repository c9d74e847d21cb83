import { describe, expect, it } from 'vitest';
import { RETENTION_DEFAULTS } from '../domain/retention.js';
import { openStore } from '../store/open-store.js';
import { appliedEnvironments, appliedRetention } from './applied.js';
import { parseConfig } from './load.js';

const YAML = `
cluster: applied
providers:
  sim:
    type: sim
templates:
  small:
    provider: sim
    image: img-1
    size: m5.large
pools: {}
environments:
  templates:
    stack:
      version: 2
      roles:
        web: { template: small, count: 2 }
  sizes:
    m5.large: { vcpus: 2, memoryGb: 8 }
retention:
  events: { maxAge: 3d }
`;

function applied() {
  const parsed = parseConfig(YAML, 'flotte.yaml');
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.applied;
}

describe('the applied config, typed once', () => {
  it('carries its environments and retention sections typed, defaults filled in, and the store keeps them', async () => {
    const config = applied();
    expect(config.settings?.environments.templates.map((t) => [t.name, t.version, t.roles.map((r) => [r.name, r.count])])).toEqual([['stack', 2, [['web', 2]]]]);
    expect(config.settings?.environments.sizes).toEqual({ 'm5.large': { vcpus: 2, memoryGb: 8 } });
    expect(config.settings?.retention).toEqual({ ...RETENTION_DEFAULTS, events: { ...RETENTION_DEFAULTS.events, maxAgeMs: 3 * 86_400_000 } });
    const store = await openStore(':memory:');
    try {
      await store.applyConfig(config, 1_000);
      expect((await store.currentConfig())?.settings).toEqual(config.settings);
    } finally {
      await store.close();
    }
  });

  it('reads the typed sections without looking at the YAML again', () => {
    const config = { ...applied(), source: 'not: [yaml' };
    expect(appliedEnvironments(config).templates.map((t) => t.name)).toEqual(['stack']);
    expect(appliedRetention(config)).toEqual({ policy: applied().settings!.retention });
  });

  it('reads a config stored without them (an older flotte, one built by hand) from its YAML, as it did before', () => {
    const { settings: _typed, ...config } = applied();
    expect(appliedEnvironments(config)).toEqual(applied().settings!.environments);
    expect(appliedRetention(config)).toEqual({ policy: applied().settings!.retention });
    expect(appliedEnvironments(undefined).templates).toEqual([]);
    expect(appliedRetention(undefined)).toEqual({ policy: RETENTION_DEFAULTS });
    expect(appliedRetention({ ...config, source: 'retention: { events: { maxAge: soon } }' })).toHaveProperty('issues');
  });
});
