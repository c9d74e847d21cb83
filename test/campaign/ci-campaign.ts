import { drawSchedule } from '../../src/campaign/schedule.js';
import type { Schedule } from '../../src/campaign/types.js';

/** The campaign CI runs: every fault kind, 48 virtual hours, three seeds, a fleet of four pools. */
export const CI_CAMPAIGN = { hours: 48, seeds: [1, 2, 3], pools: 4 } as const;

export const ciSchedules = (): Schedule[] => CI_CAMPAIGN.seeds.map((seed) => drawSchedule(seed, CI_CAMPAIGN.hours, CI_CAMPAIGN.pools));
