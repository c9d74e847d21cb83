/** The work a kill lands in. */
export const WORK_KINDS = ['scale', 'restart', 'replace', 'env-create'] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export const CLUSTER = 'killcamp';
export const POOLS = ['web', 'batch', 'cache'] as const;
export const POOL_START = 6;
export const POOL_MAX = 40;
export const ENV_TEMPLATE = 'stack';

/**
 * The campaign's fleet: three pools and an environment template on a persisted sim that is
 * slowed down (4 machines a launch call, one call every half second, boots and reboots of 1–3 s)
 * so that each piece of work lasts seconds and a kill lands inside it rather than after it.
 */
export function killCampaignConfig(seed: number): string {
  return `cluster: ${CLUSTER}
providers:
  sim:
    type: sim
    seed: ${seed}
    bootSeconds: { min: 1, max: 3 }
    rebootSeconds: { min: 1, max: 3 }
    launchPerCall: 4
    buckets: { launch: { capacity: 1, refillPerSecond: 2 } }
templates:
  small:
    provider: sim
    image: img-1
    size: m5.large
pools:
${POOLS.map((p) => `  ${p}:\n    template: small\n    min: 0\n    max: ${POOL_MAX}\n    desired: ${POOL_START}\n`).join('')}environments:
  templates:
    ${ENV_TEMPLATE}:
      ttl: 2h
      roles:
        web: { template: small, count: 2 }
        worker: { template: small, count: 1 }
`;
}
