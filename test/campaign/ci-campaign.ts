import { drawSchedule } from '../../src/campaign/schedule.js';
import type { Schedule } from '../../src/campaign/types.js';

/**
 * The campaign CI runs: the whole catalogue of faults, 24 virtual hours, three seeds, a fleet of
 * three pools (one plain, one autoscaled, one with agents) and the environments. About 25 s of
 * CPU per seed here; the long runs are `npm run campaign` (docs/campaign.md).
 */
export const CI_CAMPAIGN = { hours: 24, seeds: [1, 2, 3], pools: 3 } as const;

export const ciSchedules = (): Schedule[] => CI_CAMPAIGN.seeds.map((seed) => drawSchedule(seed, CI_CAMPAIGN.hours, CI_CAMPAIGN.pools));
