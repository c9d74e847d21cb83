import type { Kysely } from 'kysely';
import type { AgentHeartbeat } from '../domain/health.js';
import * as agentsRepo from './agents-repo.js';
import type { ApiToken, AuditQuery, AuditRecord } from '../domain/access.js';
import type { FleetEvent, LaunchIntent, Machine, PoolSpec, Template } from '../domain/types.js';
import type { Operation, OperationControl, OperationItem, OperationKind } from '../domain/operations/types.js';
import * as auditRepo from './audit-repo.js';
import * as conditionsRepo from './conditions-repo.js';
import type { ConditionType, PoolCondition } from '../domain/conditions.js';
import * as configRepo from './config-repo.js';
import * as decisionsRepo from './decisions-repo.js';
import type { DecisionQuery, StoredDecision } from './decisions-repo.js';
import type { ScalingDecision } from '../domain/scaling/decision.js';
import type { Database } from './database.js';
import * as eventsRepo from './events-repo.js';
import type { Fence, LeaseRow, Member } from './fence.js';
import * as intentsRepo from './intents-repo.js';
import * as leasesRepo from './leases-repo.js';
import * as machinesRepo from './machines-repo.js';
import * as operationsRepo from './operations-repo.js';
import * as poolsRepo from './pools-repo.js';
import * as retentionRepo from './retention-repo.js';
import * as revisionRepo from './revision.js';
import type { PruneRule } from '../domain/retention.js';
import type { AppliedConfig, ApplyState, DesiredChange, EventQuery, HealingPause, JoinSecret, OperationQuery, Store } from './store.js';
import * as tokensRepo from './tokens-repo.js';

/** The `Store` on any Kysely dialect; the repositories hold the SQL, this only routes. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: Store['dialect'],
  ) {}

  /** The handle, for repositories kept outside `Store` (environments-repo.ts). */
  get kysely(): Kysely<Database> {
    return this.db;
  }

  applyConfig(config: AppliedConfig, now: number, check?: (before: ApplyState) => void): Promise<PoolSpec[]> {
    return configRepo.applyConfig(this.db, config, now, check);
  }
  applyState(): Promise<ApplyState> {
    return configRepo.applyState(this.db);
  }
  currentConfig(): Promise<AppliedConfig | undefined> {
    return configRepo.currentConfig(this.db);
  }
  getTemplate(name: string, version?: number): Promise<Template | undefined> {
    return configRepo.getTemplate(this.db, name, version);
  }

  listPools(): Promise<PoolSpec[]> {
    return poolsRepo.listPools(this.db);
  }

  getPool(name: string): Promise<PoolSpec | undefined> {
    return poolsRepo.getPool(this.db, name);
  }
  setDesired(name: string, desired: number): Promise<PoolSpec | undefined> {
    return poolsRepo.setDesired(this.db, name, desired);
  }
  changeDesired(name: string, desired: number, record: (from: number) => Omit<FleetEvent, 'id'>): Promise<DesiredChange | undefined> {
    return poolsRepo.changeDesired(this.db, name, desired, record);
  }
  allowDestroy(pools: readonly string[]): Promise<void> {
    return poolsRepo.allowDestroy(this.db, pools);
  }
  deleteRemovedPool(name: string): Promise<boolean> {
    return poolsRepo.deleteRemovedPool(this.db, name);
  }

  listMachines(query?: { pool?: string; includeGone?: boolean }): Promise<Machine[]> {
    return machinesRepo.listMachines(this.db, query);
  }
  getMachine(id: string): Promise<Machine | undefined> {
    return machinesRepo.getMachine(this.db, id);
  }
  saveMachines(machines: readonly Machine[], fence?: Fence): Promise<void> {
    return leasesRepo.fenced(this.db, fence, (db) => machinesRepo.saveMachines(db, machines));
  }

  createIntent(intent: LaunchIntent, fence?: Fence): Promise<void> {
    return leasesRepo.fenced(this.db, fence, (db) => intentsRepo.createIntent(db, intent));
  }
  listIntents(query?: { pool?: string; status?: LaunchIntent['status'] }): Promise<LaunchIntent[]> {
    return intentsRepo.listIntents(this.db, query);
  }
  markIntentSent(id: string, at: number, fence?: Fence): Promise<void> {
    return leasesRepo.fenced(this.db, fence, (db) => intentsRepo.markIntentSent(db, id, at));
  }

  setIntentStatus(id: string, status: LaunchIntent['status'], fence?: Fence): Promise<void> {
    return leasesRepo.fenced(this.db, fence, (db) => intentsRepo.setIntentStatus(db, id, status));
  }

  appendEvents(events: readonly Omit<FleetEvent, 'id'>[], fence?: Fence): Promise<FleetEvent[]> {
    return leasesRepo.fenced(this.db, fence, (db) => eventsRepo.appendEvents(db, events));
  }
  listEvents(query?: EventQuery): Promise<FleetEvent[]> {
    return eventsRepo.listEvents(this.db, query);
  }
  latestEventId(): Promise<number> {
    return eventsRepo.latestEventId(this.db);
  }

  saveHeartbeat(beat: AgentHeartbeat): Promise<void> {
    return agentsRepo.saveHeartbeat(this.db, beat);
  }
  listHeartbeats(): Promise<AgentHeartbeat[]> {
    return agentsRepo.listHeartbeats(this.db);
  }
  getHeartbeat(machine: string): Promise<AgentHeartbeat | undefined> {
    return agentsRepo.getHeartbeat(this.db, machine);
  }
  deleteHeartbeats(machines: readonly string[]): Promise<void> {
    return agentsRepo.deleteHeartbeats(this.db, machines);
  }
  joinAgent(beat: AgentHeartbeat, credentialHash: string): Promise<void> {
    return agentsRepo.joinAgent(this.db, beat, credentialHash);
  }
  agentCredential(machine: string): Promise<{ pool: string; hash: string | null } | undefined> {
    return agentsRepo.agentCredential(this.db, machine);
  }
  agentJoinKey(fresh: string, now: number): Promise<string> {
    return agentsRepo.clusterKey(this.db, 'agent-join', fresh, now);
  }
  addJoinSecret(secret: JoinSecret): Promise<void> {
    return agentsRepo.addJoinSecret(this.db, secret);
  }
  findJoinSecret(pool: string, hash: string): Promise<JoinSecret | undefined> {
    return agentsRepo.findJoinSecret(this.db, pool, hash);
  }
  setHealingPaused(pool: string, pause: HealingPause | null): Promise<void> {
    return conditionsRepo.setHealingPaused(this.db, pool, pause);
  }
  listHealingPaused(): Promise<Map<string, HealingPause>> {
    return conditionsRepo.listHealingPaused(this.db);
  }
  setCondition(condition: PoolCondition): Promise<void> {
    return conditionsRepo.setCondition(this.db, condition);
  }
  clearCondition(pool: string, type: ConditionType): Promise<boolean> {
    return conditionsRepo.clearCondition(this.db, pool, type);
  }
  listConditions(query?: { pool?: string | undefined; type?: ConditionType | undefined }): Promise<PoolCondition[]> {
    return conditionsRepo.listConditions(this.db, query);
  }
  setProtection(machine: string, value: boolean, now: number): Promise<void> {
    return agentsRepo.setProtection(this.db, machine, value, now);
  }
  listProtections(): Promise<Map<string, boolean>> {
    return agentsRepo.listProtections(this.db);
  }

  recordDecision(decision: ScalingDecision): Promise<StoredDecision> {
    return decisionsRepo.recordDecision(this.db, decision);
  }
  listDecisions(query: DecisionQuery): Promise<StoredDecision[]> {
    return decisionsRepo.listDecisions(this.db, query);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }

  heartbeat(id: string, info: Record<string, unknown>, ttlMs: number): Promise<Member[]> {
    return leasesRepo.heartbeat(this.db, id, info, ttlMs);
  }
  leave(id: string): Promise<void> {
    return leasesRepo.leave(this.db, id);
  }
  acquireLease(name: string, holder: string, ttlMs: number): Promise<Fence | undefined> {
    return leasesRepo.acquire(this.db, name, holder, ttlMs);
  }
  releaseLease(fence: Fence): Promise<void> {
    return leasesRepo.release(this.db, fence);
  }
  handOverLease(fence: Fence, to: string, ttlMs: number): Promise<boolean> {
    return leasesRepo.handOver(this.db, fence, to, ttlMs);
  }
  holdsLease(fence: Fence): Promise<boolean> {
    return leasesRepo.holds(this.db, fence);
  }
  listLeases(): Promise<LeaseRow[]> {
    return leasesRepo.listLeases(this.db);
  }

  createToken(token: ApiToken, hash: string): Promise<void> {
    return tokensRepo.createToken(this.db, token, hash);
  }
  findTokenByHash(hash: string): Promise<ApiToken | undefined> {
    return tokensRepo.findTokenByHash(this.db, hash);
  }
  listTokens(query?: { after?: string | undefined; limit?: number | undefined }): Promise<ApiToken[]> {
    return tokensRepo.listTokens(this.db, query);
  }
  countTokens(): Promise<number> {
    return tokensRepo.countTokens(this.db);
  }
  bootstrapAdminToken(token: ApiToken, hash: string, audit: Omit<AuditRecord, 'id'>): Promise<{ created: true } | { created: false; existing: ApiToken }> {
    return tokensRepo.bootstrapAdminToken(this.db, token, hash, audit);
  }
  revokeToken(id: string, now: number): Promise<ApiToken | undefined> {
    return tokensRepo.revokeToken(this.db, id, now);
  }

  appendAudit(record: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    return auditRepo.appendAudit(this.db, record);
  }
  listAudit(query?: AuditQuery): Promise<AuditRecord[]> {
    return auditRepo.listAudit(this.db, query);
  }

  pruneBatch(rule: PruneRule, limit: number): Promise<number> {
    return retentionRepo.pruneBatch(this.db, rule, limit);
  }

  revision(): Promise<string> {
    return revisionRepo.revision(this.db, this.dialect);
  }
  async probeWrite(now: number): Promise<void> {
    await this.db.insertInto('store_probe').values({ id: 1, at: now }).onConflict((oc) => oc.column('id').doUpdateSet({ at: now })).execute();
  }
  eventCounts(): Promise<{ pool: string; reason: string; count: number }[]> {
    return revisionRepo.eventCounts(this.db);
  }

  createOperation(op: Operation, items: readonly OperationItem[]): Promise<void> {
    return operationsRepo.createOperation(this.db, op, items);
  }
  getOperation(id: string): Promise<Operation | undefined> {
    return operationsRepo.getOperation(this.db, id);
  }
  listOperations(query?: OperationQuery): Promise<Operation[]> {
    return operationsRepo.listOperations(this.db, query);
  }
  updateOperation(op: Operation): Promise<void> {
    return operationsRepo.updateOperation(this.db, op);
  }
  setOperationControl(id: string, control: OperationControl, now: number): Promise<Operation | undefined> {
    return operationsRepo.setOperationControl(this.db, id, control, now);
  }
  listOperationItems(id: string): Promise<OperationItem[]> {
    return operationsRepo.listOperationItems(this.db, id);
  }
  saveOperationItems(items: readonly OperationItem[]): Promise<void> {
    return operationsRepo.saveOperationItems(this.db, items);
  }
  operationItemDurations(pool: string, kind: OperationKind, limit: number): Promise<number[]> {
    return operationsRepo.itemDurations(this.db, pool, kind, limit);
  }
}
