import type { Kysely } from 'kysely';
import type { FleetEvent, LaunchIntent, Machine, PoolSpec, Template } from '../domain/types.js';
import * as configRepo from './config-repo.js';
import type { Database } from './database.js';
import * as eventsRepo from './events-repo.js';
import * as intentsRepo from './intents-repo.js';
import * as machinesRepo from './machines-repo.js';
import * as poolsRepo from './pools-repo.js';
import type { AppliedConfig, EventQuery, Store } from './store.js';

/** The `Store` on any Kysely dialect; the repositories hold the SQL, this only routes. */
export class KyselyStore implements Store {
  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: Store['dialect'],
  ) {}

  applyConfig(config: AppliedConfig, now: number): Promise<PoolSpec[]> {
    return configRepo.applyConfig(this.db, config, now);
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

  listMachines(query?: { pool?: string; includeGone?: boolean }): Promise<Machine[]> {
    return machinesRepo.listMachines(this.db, query);
  }
  getMachine(id: string): Promise<Machine | undefined> {
    return machinesRepo.getMachine(this.db, id);
  }
  saveMachines(machines: readonly Machine[]): Promise<void> {
    return machinesRepo.saveMachines(this.db, machines);
  }

  createIntent(intent: LaunchIntent): Promise<void> {
    return intentsRepo.createIntent(this.db, intent);
  }
  listIntents(query?: { pool?: string; status?: LaunchIntent['status'] }): Promise<LaunchIntent[]> {
    return intentsRepo.listIntents(this.db, query);
  }
  setIntentStatus(id: string, status: LaunchIntent['status']): Promise<void> {
    return intentsRepo.setIntentStatus(this.db, id, status);
  }

  appendEvents(events: readonly Omit<FleetEvent, 'id'>[]): Promise<FleetEvent[]> {
    return eventsRepo.appendEvents(this.db, events);
  }
  listEvents(query?: EventQuery): Promise<FleetEvent[]> {
    return eventsRepo.listEvents(this.db, query);
  }

  close(): Promise<void> {
    return this.db.destroy();
  }
}
