import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './0001-foundation.js';
import { agents } from './0002-agents.js';
import { scaling } from './0003-scaling.js';
import { operations } from './0004-operations.js';
import { auth } from './0005-auth.js';
import { leases } from './0006-leases.js';
import { environments } from './0007-environments.js';
import { envIdleStop } from './0008-env-idle-stop.js';
import { poolRemoval } from './0009-pool-removal.js';
import { poolConditions } from './0010-pool-conditions.js';
import { agentSecrets } from './0011-agent-secrets.js';
import { retention } from './0012-retention.js';
import { storeProbe } from './0013-store-probe.js';
import { liveMachines } from './0014-live-machines.js';
import { intentSentAt } from './0015-intent-sent-at.js';
import { machineAddresses } from './0016-machine-addresses.js';
import { envStops } from './0017-env-stops.js';
import { roleProvisioning } from './0018-role-provisioning.js';
import { poolSuspendMode } from './0019-pool-suspend-mode.js';
import { notifications } from './0020-notifications.js';
import { lifecycleHooks } from './0022-lifecycle-hooks.js';
import { poolDisruption } from './0021-pool-disruption.js';
import { sessions } from './0023-sessions.js';
import { pushedMetrics } from './0024-pushed-metrics.js';
import { deliveryRetention } from './0025-delivery-retention.js';

/**
 * Every migration, listed in code so the list survives bundling. Names sort in run order:
 * to add one, write `NNNN-title.ts` beside this file and add one line here.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
  '0002-agents': agents,
  '0003-scaling': scaling,
  '0004-operations': operations,
  '0005-auth': auth,
  '0006-leases': leases,
  '0007-environments': environments,
  '0008-env-idle-stop': envIdleStop,
  '0009-pool-removal': poolRemoval,
  '0010-pool-conditions': poolConditions,
  '0011-agent-secrets': agentSecrets,
  '0012-retention': retention,
  '0013-store-probe': storeProbe,
  '0014-live-machines': liveMachines,
  '0015-intent-sent-at': intentSentAt,
  '0016-machine-addresses': machineAddresses,
  '0017-env-stops': envStops,
  '0018-role-provisioning': roleProvisioning,
  '0019-pool-suspend-mode': poolSuspendMode,
  '0020-notifications': notifications,
  '0022-lifecycle-hooks': lifecycleHooks,
  '0021-pool-disruption': poolDisruption,
  '0023-sessions': sessions,
  '0024-pushed-metrics': pushedMetrics,
  '0025-delivery-retention': deliveryRetention,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
