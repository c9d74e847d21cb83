import { describe, expect, it } from 'vitest';
import { ENV_ACTIVE, ENV_LIVE, ENV_STATUSES, envPoolName, isEnvPool, WARM_OWNER } from './types.js';

describe('environment statuses and pools', () => {
  it('counts against quotas while machines exist; may be extended or expire while live', () => {
    const active = ENV_STATUSES.filter((s) => ENV_ACTIVE.has(s));
    const live = ENV_STATUSES.filter((s) => ENV_LIVE.has(s));
    expect(active).toEqual(['creating', 'ready', 'stopped', 'starting', 'destroying', 'failing']);
    expect(live).toEqual(['creating', 'ready', 'stopped', 'starting']);
    expect(ENV_ACTIVE.size).toBe(6);
    expect(ENV_LIVE.size).toBe(4);
  });

  it('names an environment’s pools so that apply can tell them from the file’s', () => {
    expect(envPoolName('e-42', 'app')).toBe('env-e-42-app');
    expect(isEnvPool('env-e-42-app')).toBe(true);
    expect(isEnvPool('web')).toBe(false);
    expect(isEnvPool('web-env-')).toBe(false);
  });

  it('pre-made environments belong to an owner no token can be named', () => {
    expect(WARM_OWNER).toBe('(warm)');
  });
});
