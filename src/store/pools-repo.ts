import { sql, type Kysely, type Selectable } from 'kysely';
import type { ReadinessCheck } from '../domain/environments/readiness.js';
import type { DisruptionPolicy } from '../domain/disruption/policy.js';
import type { HealthPolicy } from '../domain/health.js';
import type { PoolHooks } from '../domain/hooks.js';
import type { ScalingSpec } from '../domain/scaling/spec.js';
import type { DeletionOrder, FleetEvent, PoolSpec } from '../domain/types.js';
import type { Database, PoolsTable } from './database.js';
import { appendEvents } from './events-repo.js';
import { parseJson } from './json.js';
import type { DesiredChange } from './store.js';
import { isEnvPool } from '../domain/environments/types.js';
import { desiredAfterApply } from '../domain/apply-plan.js';

export function toPool(row: Selectable<PoolsTable>): PoolSpec {
  return {
    name: row.name,
    provider: row.provider,
    template: row.template,
    min: row.min,
    max: row.max,
    desired: row.desired,
    zones: parseJson<string[]>(row.zones),
    labels: parseJson<Record<string, string>>(row.labels),
    maxLaunching: row.max_launching,
    deletionOrder: row.deletion_order as DeletionOrder,
    ...(row.health ? { health: parseJson<HealthPolicy>(row.health) } : {}),
    ...(row.scaling ? { scaling: parseJson<ScalingSpec>(row.scaling) } : {}),
    ...(row.hooks ? { hooks: parseJson<PoolHooks>(row.hooks) } : {}),
    ...(row.disruption ? { disruption: parseJson<DisruptionPolicy>(row.disruption) } : {}),
    ...(row.blast_radius !== null ? { blastRadius: Number(row.blast_radius) } : {}),
    ...(row.destroy_allowed_to !== null ? { destroyAllowedTo: Number(row.destroy_allowed_to) } : {}),
    ...(row.suspended ? { suspended: true } : {}),
    ...(row.suspend_mode === 'shelve' ? { suspendMode: 'shelve' as const } : {}),
    ...(row.removed_at !== null ? { removedAt: Number(row.removed_at) } : {}),
    ...(row.user_data !== null ? { userData: row.user_data } : {}),
    ...(row.readiness !== null ? { readiness: parseJson<ReadinessCheck>(row.readiness) } : {}),
    // An environment's machines hold its developer's work: stopped ones are woken, not replaced.
    ...(isEnvPool(row.name) ? { keepStopped: true } : {}),
  };
}

export async function listPools(db: Kysely<Database>): Promise<PoolSpec[]> {
  const rows = await db.selectFrom('pools').selectAll().orderBy('name').execute();
  return rows.map(toPool);
}

export async function getPool(db: Kysely<Database>, name: string): Promise<PoolSpec | undefined> {
  const row = await db.selectFrom('pools').selectAll().where('name', '=', name).executeTakeFirst();
  return row && toPool(row);
}

export async function setDesired(db: Kysely<Database>, name: string, desired: number): Promise<PoolSpec | undefined> {
  // A new size ends any allowance given for the old one: `allowDestroy` is asked with each change.
  const result = await db.updateTable('pools').set({ desired, destroy_allowed_to: null }).where('name', '=', name).executeTakeFirst();
  if (result.numUpdatedRows === 0n) return undefined;
  return getPool(db, name);
}

/**
 * The pool's row is written first, a no-op that takes its lock (a row lock on PostgreSQL, the
 * write lock on SQLite, where a read first could not be upgraded once another connection had
 * written), so the size read next is the one this change replaces and no other change can
 * slip in between the read and the write.
 */
export async function changeDesired(db: Kysely<Database>, name: string, desired: number, record: (from: number) => Omit<FleetEvent, 'id'>): Promise<DesiredChange | undefined> {
  return db.transaction().execute(async (trx) => {
    const held = await trx.updateTable('pools').set({ desired: sql<number>`desired` }).where('name', '=', name).executeTakeFirst();
    if (held.numUpdatedRows === 0n) return undefined;
    const { desired: from } = await trx.selectFrom('pools').select('desired').where('name', '=', name).executeTakeFirstOrThrow();
    let event: FleetEvent | undefined;
    // Any size change, or a repeat of the same size, ends a blast-radius allowance (as setDesired does).
    await trx.updateTable('pools').set({ desired, destroy_allowed_to: null }).where('name', '=', name).execute();
    if (from !== desired) [event] = await appendEvents(trx, [record(from)]);
    return { pool: (await getPool(trx, name))!, from, event };
  });
}

/**
 * Writes the file's pools: `desired` follows the file only when the file's own value changed
 * since the last apply, so a `flotte scale` survives re-applying an unchanged file. A kept
 * value is clamped into the file's current bounds. Pools the file no longer lists are drained.
 */
export async function writePools(trx: Kysely<Database>, pools: readonly PoolSpec[], now: number): Promise<void> {
  const existing = new Map((await trx.selectFrom('pools').select(['name', 'desired', 'file_desired']).execute()).map((r) => [r.name, r]));
  for (const pool of pools) {
    const before = existing.get(pool.name);
    const desired = desiredAfterApply(before && { desired: before.desired, fileDesired: before.file_desired }, pool);
    const row = {
      provider: pool.provider,
      template: pool.template,
      min: pool.min,
      max: pool.max,
      desired,
      file_desired: pool.desired,
      zones: JSON.stringify(pool.zones),
      labels: JSON.stringify(pool.labels),
      max_launching: pool.maxLaunching,
      deletion_order: pool.deletionOrder,
      health: pool.health ? JSON.stringify(pool.health) : null,
      scaling: pool.scaling ? JSON.stringify(pool.scaling) : null,
      hooks: pool.hooks ? JSON.stringify(pool.hooks) : null,
      disruption: pool.disruption ? JSON.stringify(pool.disruption) : null,
      blast_radius: pool.blastRadius ?? null,
      updated_at: now,
      // Listed again: a pool that was being drained after a removal is kept after all.
      removed_at: null,
    };
    // A `--allow-destroy` is given for a size: it ends when the apply changes that size, not when
    // an unchanged file is applied again (as `flotte up` does at every start, after a crash too).
    if (before) await trx.updateTable('pools').set({ ...row, ...(desired !== Number(before.desired) ? { destroy_allowed_to: null } : {}) }).where('name', '=', pool.name).execute();
    else await trx.insertInto('pools').values({ name: pool.name, ...row, destroy_allowed_to: null }).execute();
  }
  // Environment pools are made through the API, never in the file: an apply must not drop them.
  // The others the file no longer lists are drained (held at zero, no autoscaling), not deleted:
  // the controller terminates their machines and deletes each once it is empty.
  const gone = [...existing.keys()].filter((name) => !isEnvPool(name) && !pools.some((p) => p.name === name));
  if (gone.length > 0) {
    await trx.updateTable('pools').set({ min: 0, max: 0, desired: 0, file_desired: 0, scaling: null, destroy_allowed_to: null, removed_at: now, updated_at: now }).where('name', 'in', gone).where('removed_at', 'is', null).execute();
  }
}

/**
 * Lets the size change just made to these pools terminate past the blast-radius guard, for as
 * long as their size stays what it is now (a removed pool's is zero).
 */
export async function allowDestroy(db: Kysely<Database>, pools: readonly string[]): Promise<void> {
  if (pools.length === 0) return;
  await db
    .updateTable('pools')
    .set((eb) => ({ destroy_allowed_to: eb.case().when('removed_at', 'is not', null).then(0).else(eb.ref('desired')).end() }))
    .where('name', 'in', pools)
    .execute();
}

/** Deletes a pool that an apply removed, once the controller found it empty; a pool listed again since is kept. */
export async function deleteRemovedPool(db: Kysely<Database>, name: string): Promise<boolean> {
  const r = await db.deleteFrom('pools').where('name', '=', name).where('removed_at', 'is not', null).executeTakeFirst();
  return r.numDeletedRows > 0n;
}

/*
 * Environment pools: made, scaled to zero, suspended and deleted by the environments repository
 * (environments-repo.ts), inside its transactions when it has one.
 */

/** Inserts an environment's pools as it makes them (`file_desired` is their size: no file names them). */
export async function insertPools(db: Kysely<Database>, pools: readonly PoolSpec[], now: number): Promise<void> {
  for (const p of pools) {
    await db
      .insertInto('pools')
      .values({ name: p.name, provider: p.provider, template: p.template, min: p.min, max: p.max, desired: p.desired, file_desired: p.desired, zones: JSON.stringify(p.zones), labels: JSON.stringify(p.labels), max_launching: p.maxLaunching, deletion_order: p.deletionOrder, health: null, scaling: null, updated_at: now, suspend_mode: p.suspendMode ?? null, user_data: p.userData ?? null, readiness: p.readiness ? JSON.stringify(p.readiness) : null })
      .execute();
  }
}

/** Scales the pools to zero: the controller then terminates their machines. */
export async function releasePools(db: Kysely<Database>, pools: readonly string[]): Promise<void> {
  if (pools.length === 0) return;
  await db.updateTable('pools').set({ desired: 0, file_desired: 0 }).where('name', 'in', [...pools]).execute();
}

/** Suspends (stops, replacing nothing) or resumes the pools' machines. */
export async function suspendPools(db: Kysely<Database>, pools: readonly string[], suspended: boolean): Promise<void> {
  if (pools.length === 0) return;
  await db.updateTable('pools').set({ suspended: suspended ? 1 : 0 }).where('name', 'in', [...pools]).execute();
}

export async function deletePools(db: Kysely<Database>, pools: readonly string[]): Promise<void> {
  if (pools.length === 0) return;
  await db.deleteFrom('pools').where('name', 'in', [...pools]).execute();
}
