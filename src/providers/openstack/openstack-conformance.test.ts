import { randomUUID } from 'node:crypto';
import { realClock } from '../../clock/clock.js';
import { OpenStackAdmin, demoProvider, openstackService } from '../../../test/support/openstack.js';
import { serviceSuite } from '../../../test/support/services.js';
import { providerConformance } from '../conformance.js';
import { TEST_TEMPLATE } from '../sim/test-support.js';

// The shared provider contract against the real OpenStack of ../shared/openstack-dev. A page
// size of 2 makes the listing test walk several servers/detail pages (limit/marker).
await serviceSuite(openstackService(), 'openstack conformance', () => {
  providerConformance(
    'openstack on a real Nova',
    async () => {
      const os = demoProvider({ pageSize: 2 });
      return {
        provider: os.provider,
        advance: (ms) => realClock.sleep(Math.min(ms, 2_000)),
        // The suite names its clusters conf-<random>; anything of one left behind goes.
        cleanup: () => new OpenStackAdmin().purge('conf-', { prefix: true }),
        fixture: { template: { ...TEST_TEMPLATE, name: 'conformance', provider: 'openstack', image: 'cirros', sizes: ['m1.tiny'], zones: ['nova'] }, zone: 'nova', size: 'm1.tiny' },
        unknownIds: (n) => Array.from({ length: n }, () => randomUUID()),
        settleMs: 180_000,
      };
    },
    { stopStart: true },
  );
});
