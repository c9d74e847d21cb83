import { providerConformance } from '../../../test/support/provider-conformance.js';
import { TEST_TEMPLATE } from '../../../test/support/launch-request.js';
import { faceRig } from '../../../test/support/ec2-face-rig.js';

// The same contract as the sim's, through the SDK's real serialization and the EC2 face.
providerConformance(
  'aws on the EC2 face',
  async () => {
    const rig = await faceRig({ sim: { listDelayMs: 3000, bootSeconds: { min: 20, max: 40 } } });
    return {
      provider: rig.provider,
      advance: (ms) => rig.clock.advance(ms),
      cleanup: () => rig.close(),
      fixture: { template: { ...TEST_TEMPLATE, name: 'conformance', provider: 'aws', image: 'ami-0123456789abcdef0', sizes: ['m5.large'], zones: ['eu-west-1a'] }, zone: 'eu-west-1a', size: 'm5.large' },
      unknownIds: (n) => Array.from({ length: n }, (_, i) => `i-${(0xf0000000 + i).toString(16).padStart(17, '0')}`),
      squeeze: async (zone, room) => {
        if (room === undefined) return rig.sim.setZoneCapacity(zone, undefined);
        const live = rig.sim.all().filter((m) => m.zone === zone && m.status !== 'terminated').length;
        rig.sim.setZoneCapacity(zone, live + room);
      },
    };
  },
  { squeeze: true },
);
