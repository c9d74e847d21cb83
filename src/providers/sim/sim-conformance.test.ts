import { VirtualClock } from '../../clock/virtual-clock.js';
import { providerConformance } from '../../../test/support/provider-conformance.js';
import { SimCloud } from './sim-cloud.js';

// Small pages so the suite reads several; a list delay so it must poll as it would on a real cloud.
providerConformance(
  'sim',
  async () => {
    const clock = new VirtualClock();
    const sim = new SimCloud({ zones: ['sim-a', 'sim-b'], pageSize: 2, listDelayMs: 3000 }, clock);
    return {
      provider: sim,
      advance: (ms) => clock.advance(ms),
      cleanup: async () => sim.reset(),
      squeeze: async (zone, room) => {
        if (room === undefined) return sim.setZoneCapacity(zone, undefined);
        const live = sim.all().filter((m) => m.zone === zone && m.status !== 'terminated').length;
        sim.setZoneCapacity(zone, live + room);
      },
    };
  },
  { squeeze: true },
);
