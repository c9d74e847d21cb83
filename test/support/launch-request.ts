import type { Template } from '../../src/domain/types.js';
import { TAG } from '../../src/domain/types.js';
import type { LaunchRequest } from '../../src/providers/provider.js';

/** Shared by the sim and limiter tests: a template and a launch request with ownership tags. */
export const TEST_TEMPLATE: Template = {
  name: 'web',
  version: 1,
  provider: 'sim',
  image: 'img-1',
  sizes: ['m.small'],
  zones: ['sim-a'],
  tags: {},
};

export function launchRequest(token: string, count: number, over: Partial<LaunchRequest> = {}): LaunchRequest {
  return {
    token,
    template: TEST_TEMPLATE,
    size: 'm.small',
    zone: 'sim-a',
    count,
    tags: { [TAG.cluster]: 'c1', [TAG.pool]: 'web', [TAG.intent]: token },
    ...over,
  };
}
