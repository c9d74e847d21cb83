import type { Kysely, Selectable } from 'kysely';
import type { HookRun, HookRunStatus, HookTransition } from '../domain/hooks.js';
import type { Database, HookRunsTable } from './database.js';
import { chunks } from './json.js';
import type { HookRunsPort } from './ports.js';

type Db = Kysely<Database>;

const toRun = (r: Selectable<HookRunsTable>): HookRun => ({
  id: r.id,
  machine: r.machine,
  pool: r.pool,
  transition: r.transition as HookTransition,
  hook: r.hook,
  kind: r.kind as HookRun['kind'],
  cause: r.cause,
  status: r.status as HookRunStatus,
  startedAt: Number(r.started_at),
  deadline: Number(r.deadline),
  ...(r.ended_at !== null ? { endedAt: Number(r.ended_at) } : {}),
  ...(r.detail !== null ? { detail: r.detail } : {}),
  announced: r.announced !== 0,
});

/** Hook runs behind `HookRunsPort`: ends are compare-and-set on `running`, so the first answer (or the timeout) wins. */
export function hookRunsRepo(db: Db): HookRunsPort {
  return {
    async listForPool(pool) {
      return (await db.selectFrom('hook_runs').selectAll().where('pool', '=', pool).orderBy('started_at').orderBy('id').execute()).map(toRun);
    },

    async runningCommands(machine) {
      const rows = await db.selectFrom('hook_runs').selectAll().where('machine', '=', machine).where('kind', '=', 'command').where('status', '=', 'running').orderBy('started_at').execute();
      return rows.map(toRun);
    },

    async start(run) {
      await db
        .insertInto('hook_runs')
        .values({
          id: run.id,
          machine: run.machine,
          pool: run.pool,
          transition: run.transition,
          hook: run.hook,
          kind: run.kind,
          cause: run.cause,
          status: run.status,
          started_at: run.startedAt,
          deadline: run.deadline,
          ended_at: run.endedAt ?? null,
          detail: run.detail ?? null,
          announced: run.announced ? 1 : 0,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return toRun(await db.selectFrom('hook_runs').selectAll().where('id', '=', run.id).executeTakeFirstOrThrow());
    },

    async finish(id, end, machine) {
      let q = db
        .updateTable('hook_runs')
        .set({ status: end.status, ended_at: end.endedAt, detail: end.detail ?? null })
        .where('id', '=', id)
        .where('status', '=', 'running');
      if (machine !== undefined) q = q.where('machine', '=', machine);
      const result = await q.executeTakeFirst();
      return result.numUpdatedRows > 0n;
    },

    async markAnnounced(ids) {
      for (const part of chunks(ids, 500)) await db.updateTable('hook_runs').set({ announced: 1 }).where('id', 'in', [...part]).execute();
    },

    async deleteRuns(machines, transition) {
      for (const part of chunks(machines, 500)) {
        let q = db.deleteFrom('hook_runs').where('machine', 'in', [...part]);
        if (transition) q = q.where('transition', '=', transition);
        await q.execute();
      }
    },
  };
}
