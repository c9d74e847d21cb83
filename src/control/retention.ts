import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { appliedRetention } from '../config/applied.js';
import { RETENTION_DEFAULTS, pruneRules, type PruneTable, type RetentionPolicy } from '../domain/retention.js';
import type { ConfigPort, RetentionPort } from '../store/ports.js';

/** Rows one statement deletes at most: a few milliseconds of work, even on SQLite where a statement holds the process. */
export const RETENTION_BATCH = 5_000;
/** Between two batches, so the control loop, the API and other writers get the database in turn. */
export const RETENTION_PAUSE_MS = 250;
/** Between two rounds; history grows by minutes, not seconds. */
export const RETENTION_INTERVAL_MS = 10 * 60_000;
/** The first round after start, once start-up work (adoption, the first ticks) is done. */
export const RETENTION_FIRST_MS = 60_000;

export interface PrunerOptions {
  store: ConfigPort & RetentionPort;
  clock: Clock;
  log: Logger;
  /**
   * Whether this process prunes this round. Pruning is idempotent, so two controllers that
   * both think they should only repeat some work; `firstMember` keeps it to one under HA.
   */
  active?: () => boolean;
  batch?: number;
  pauseMs?: number;
  intervalMs?: number;
  firstMs?: number;
}

/** What one round deleted: per table, the rows each batch took, in order. */
export type PruneReport = { table: PruneTable; batches: number[] }[];

/**
 * Deletes flotte's old history (events, decisions, audit records, heartbeats of gone machines,
 * settled notification deliveries, pushed samples of deleted pools) as flotte.yaml's `retention:` says, on its own timer beside the control loop: it shares only
 * the store with the loop and never runs inside a tick. Each round goes table by table in
 * batches of at most `batch` rows with a pause between them, until nothing more is due.
 */
export class Pruner {
  constructor(private readonly o: PrunerOptions) {}

  /** Rounds until `signal` aborts: the first after `firstMs`, then every `intervalMs`. A failed round is logged and retried next time. */
  async run(signal: AbortSignal): Promise<void> {
    let wait = this.o.firstMs ?? RETENTION_FIRST_MS;
    for (;;) {
      await this.o.clock.sleep(wait, signal).catch(() => undefined);
      if (signal.aborted) return;
      wait = this.o.intervalMs ?? RETENTION_INTERVAL_MS;
      if (this.o.active && !this.o.active()) continue;
      await this.runOnce(signal).catch((err: unknown) => this.o.log.error({ err }, 'retention round failed'));
    }
  }

  /** One round at the clock's current time, under the policy of the config stored now. */
  async runOnce(signal?: AbortSignal): Promise<PruneReport> {
    const { store, clock, log } = this.o;
    const limit = this.o.batch ?? RETENTION_BATCH;
    const report: PruneReport = [];
    for (const rule of pruneRules(await this.policy(), clock.now())) {
      const batches: number[] = [];
      report.push({ table: rule.table, batches });
      for (;;) {
        if (signal?.aborted) return report;
        const deleted = await store.pruneBatch(rule, limit);
        batches.push(deleted);
        if (deleted < limit) break;
        await clock.sleep(this.o.pauseMs ?? RETENTION_PAUSE_MS, signal).catch(() => undefined);
      }
      const total = batches.reduce((a, b) => a + b, 0);
      if (total > 0) log.info({ table: rule.table, deleted: total, batches: batches.length }, 'retention: old rows deleted');
    }
    return report;
  }

  /** The stored config's `retention:` section (checked when it was applied), defaults for what it leaves out. */
  private async policy(): Promise<RetentionPolicy> {
    const read = appliedRetention(await this.o.store.currentConfig());
    if ('policy' in read) return read.policy;
    this.o.log.warn({ issues: read.issues }, 'retention: the stored config has an unreadable retention section; using the defaults');
    return RETENTION_DEFAULTS;
  }
}

/**
 * Under HA only one controller prunes: the first live member by id, as this one last saw the
 * members. While views differ (a member joining or leaving) two may prune for a round, which
 * costs only repeated work: a batch deletes what is due, and what is already gone is not due.
 */
export const firstMember = (ownership: { id: string; members(): readonly { id: string }[] }) => (): boolean => ownership.members()[0]?.id === ownership.id;
