// Child process for src/providers/sim/sim-crash.test.ts: launches tokens t-0…t-(n-1) in order against a sim
// persisted at argv[2], printing each index once its launch returned. Restarted after a
// SIGKILL, it begins again at t-0, so earlier tokens must replay instead of launching anew.
import { realClock } from '../../src/clock/clock.js';
import { SimCloud } from '../../src/providers/sim/sim-cloud.js';
import { launchRequest } from './launch-request.js';

const [statePath, total = '200'] = process.argv.slice(2);
const plenty = { capacity: 1e9, refillPerSecond: 1e9 };
const sim = new SimCloud(
  {
    statePath,
    buckets: { describe: plenty, mutate: plenty, launch: plenty },
    instanceBuckets: { launch: plenty, terminate: plenty },
  },
  realClock,
);
for (let i = 0; i < Number(total); i++) {
  await sim.launch(launchRequest(`t-${i}`, (i % 5) + 1));
  process.stdout.write(`${i}\n`);
}
process.stdout.write('done\n');
