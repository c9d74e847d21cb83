import { inTransaction } from './transaction.js';
import type { Kysely } from 'kysely';
import * as agents from './agents-repo.js';
import * as audit from './audit-repo.js';
import * as conditions from './conditions-repo.js';
import * as config from './config-repo.js';
import type { Database } from './database.js';
import * as decisions from './decisions-repo.js';
import { environmentsRepo } from './environments-repo.js';
import * as events from './events-repo.js';
import * as intents from './intents-repo.js';
import * as leases from './leases-repo.js';
import * as machines from './machines-repo.js';
import { notificationsRepo } from './notifications-repo.js';
import { hookRunsRepo } from './hook-runs-repo.js';
import { sessionsRepo } from './sessions-repo.js';
import { pushedMetricsRepo } from './pushed-metrics-repo.js';
import * as operations from './operations-repo.js';
import * as pools from './pools-repo.js';
import type * as P from './ports.js';
import * as retention from './retention-repo.js';
import * as revision from './revision.js';
import { StatementCounts } from './statements.js';
import type { Store } from './store.js';
import * as tokens from './tokens-repo.js';

type Db = Kysely<Database>;

/*
 * Each port bound to one database handle: the repositories hold the SQL, these only pass the
 * handle in. Writes that take a fence run through `leases.fenced`, so the lease check and the
 * write share one transaction.
 */

const configPort = (db: Db): P.ConfigPort => ({
  applyConfig: (c, now, check) => config.applyConfig(db, c, now, check),
  applyState: () => config.applyState(db),
  currentConfig: () => config.currentConfig(db),
  appliedConfigRecord: () => config.appliedConfigRecord(db),
  getTemplate: (name, version) => config.getTemplate(db, name, version),
});

const poolsPort = (db: Db): P.PoolsPort => ({
  listPools: () => pools.listPools(db),
  getPool: (name) => pools.getPool(db, name),
  setDesired: (name, desired) => pools.setDesired(db, name, desired),
  changeDesired: (name, desired, record) => pools.changeDesired(db, name, desired, record),
  allowDestroy: (names) => pools.allowDestroy(db, names),
  deleteRemovedPool: (name) => pools.deleteRemovedPool(db, name),
});

const machinesPort = (db: Db): P.MachinesPort => ({
  listMachines: (query) => machines.listMachines(db, query),
  pageMachines: (query) => machines.pageMachines(db, query),
  getMachine: (id) => machines.getMachine(db, id),
  saveMachines: (ms, fence) => leases.fenced(db, fence, (trx) => machines.saveMachines(trx, ms)),
});

const intentsPort = (db: Db): P.IntentsPort => ({
  createIntent: (intent, fence) => leases.fenced(db, fence, (trx) => intents.createIntent(trx, intent)),
  listIntents: (query) => intents.listIntents(db, query),
  setIntentStatus: (id, status, fence) => leases.fenced(db, fence, (trx) => intents.setIntentStatus(trx, id, status)),
  markIntentSent: (id, at, fence) => leases.fenced(db, fence, (trx) => intents.markIntentSent(trx, id, at)),
});

const eventsPort = (db: Db): P.EventsPort => ({
  appendEvents: (es, fence) => leases.fenced(db, fence, (trx) => events.appendEvents(trx, es)),
  recordChanges: (ms, es, fence) =>
    leases.fenced(db, fence, (w) =>
      inTransaction(w, async (trx) => {
        await machines.saveMachines(trx, ms);
        return events.appendEvents(trx, es);
      }),
    ),
  listEvents: (query) => events.listEvents(db, query),
  latestEventId: () => events.latestEventId(db),
  eventCounts: () => revision.eventCounts(db),
});

const heartbeatsPort = (db: Db): P.HeartbeatsPort => ({
  saveHeartbeat: (beat) => agents.saveHeartbeat(db, beat),
  listHeartbeats: () => agents.listHeartbeats(db),
  getHeartbeat: (machine) => agents.getHeartbeat(db, machine),
  deleteHeartbeats: (ms) => agents.deleteHeartbeats(db, ms),
});

const agentsPort = (db: Db): P.AgentsPort => ({
  joinAgent: (beat, hash) => agents.joinAgent(db, beat, hash),
  agentCredential: (machine) => agents.agentCredential(db, machine),
  agentJoinKey: (fresh, now) => agents.clusterKey(db, 'agent-join', fresh, now),
  addJoinSecret: (secret) => agents.addJoinSecret(db, secret),
  findJoinSecret: (pool, hash) => agents.findJoinSecret(db, pool, hash),
});

const protectionsPort = (db: Db): P.ProtectionsPort => ({
  setProtection: (machine, value, now) => agents.setProtection(db, machine, value, now),
  listProtections: () => agents.listProtections(db),
});

const conditionsPort = (db: Db): P.ConditionsPort => ({
  setHealingPaused: (pool, pause) => conditions.setHealingPaused(db, pool, pause),
  listHealingPaused: () => conditions.listHealingPaused(db),
  setCondition: (c) => conditions.setCondition(db, c),
  clearCondition: (pool, type) => conditions.clearCondition(db, pool, type),
  listConditions: (query) => conditions.listConditions(db, query),
});

const decisionsPort = (db: Db): P.DecisionsPort => ({
  recordDecision: (d) => decisions.recordDecision(db, d),
  listDecisions: (query) => decisions.listDecisions(db, query),
});

const leasesPort = (db: Db): P.LeasesPort => ({
  heartbeat: (id, info, ttlMs) => leases.heartbeat(db, id, info, ttlMs),
  leave: (id) => leases.leave(db, id),
  acquireLease: (name, holder, ttlMs) => leases.acquire(db, name, holder, ttlMs),
  releaseLease: (fence) => leases.release(db, fence),
  handOverLease: (fence, to, ttlMs) => leases.handOver(db, fence, to, ttlMs),
  holdsLease: (fence) => leases.holds(db, fence),
  listLeases: () => leases.listLeases(db),
});

const tokensPort = (db: Db): P.TokensPort => ({
  createToken: (token, hash) => tokens.createToken(db, token, hash),
  findTokenByHash: (hash) => tokens.findTokenByHash(db, hash),
  listTokens: (query) => tokens.listTokens(db, query),
  countTokens: () => tokens.countTokens(db),
  bootstrapAdminToken: (token, hash, record) => tokens.bootstrapAdminToken(db, token, hash, record),
  revokeToken: (id, now) => tokens.revokeToken(db, id, now),
});

const auditPort = (db: Db): P.AuditPort => ({
  appendAudit: (record) => audit.appendAudit(db, record),
  listAudit: (query) => audit.listAudit(db, query),
});

const retentionPort = (db: Db): P.RetentionPort => ({
  pruneBatch: (rule, limit) => retention.pruneBatch(db, rule, limit),
});

const statePort = (db: Db, dialect: Store['dialect']): P.StoreStatePort => ({
  revision: () => revision.revision(db, dialect),
  async probeWrite(now) {
    await db.insertInto('store_probe').values({ id: 1, at: now }).onConflict((oc) => oc.column('id').doUpdateSet({ at: now })).execute();
  },
});

const operationsPort = (db: Db): P.OperationsPort => ({
  createOperation: (op, items) => operations.createOperation(db, op, items),
  getOperation: (id) => operations.getOperation(db, id),
  listOperations: (query) => operations.listOperations(db, query),
  updateOperation: (op) => operations.updateOperation(db, op),
  setOperationControl: (id, control, now) => operations.setOperationControl(db, id, control, now),
  listOperationItems: (id) => operations.listOperationItems(db, id),
  saveOperationItems: (items) => operations.saveOperationItems(db, items),
  operationItemDurations: (pool, kind, limit) => operations.itemDurations(db, pool, kind, limit),
});

/** Every port of the store on one handle: what `KyselyStore` is made of. */
function storePorts(db: Db, dialect: Store['dialect']): Omit<Store, 'dialect' | 'statements'> {
  return {
    ...configPort(db),
    ...poolsPort(db),
    ...machinesPort(db),
    ...intentsPort(db),
    ...eventsPort(db),
    ...heartbeatsPort(db),
    ...agentsPort(db),
    ...protectionsPort(db),
    ...conditionsPort(db),
    ...decisionsPort(db),
    ...leasesPort(db),
    ...tokensPort(db),
    ...auditPort(db),
    ...retentionPort(db),
    ...statePort(db, dialect),
    ...operationsPort(db),
    environments: environmentsRepo(db),
    notifications: notificationsRepo(db),
    hookRuns: hookRunsRepo(db),
    sessions: sessionsRepo(db),
    pushedMetrics: pushedMetricsRepo(db),
    close: () => db.destroy(),
  };
}

/** A class only so the ports land on the instance typed as `Store` (the class adds the handle). */
const Assembled = class {
  constructor(db: Db, dialect: Store['dialect']) {
    Object.assign(this, storePorts(db, dialect));
  }
} as new (db: Db, dialect: Store['dialect']) => Omit<Store, 'dialect' | 'statements'>;

/** The `Store` on any Kysely dialect, assembled from the repositories' ports. */
export class KyselyStore extends Assembled implements Store {
  constructor(
    /** The handle, for the store's own tests; code outside src/store goes through the ports. */
    readonly kysely: Db,
    readonly dialect: Store['dialect'],
    /** Counted by the Kysely handle's `log` hook (src/store/open-store.ts); a handle opened without one counts nothing. */
    readonly statements: StatementCounts = new StatementCounts(),
  ) {
    super(kysely, dialect);
  }
}
