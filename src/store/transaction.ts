import type { Kysely } from 'kysely';

/**
 * Runs `work` in a transaction: the caller's when `db` already is one (a fenced write commits
 * its lease check with the write; several repository writes commit as one), else a new one.
 */
export function inTransaction<D, T>(db: Kysely<D>, work: (trx: Kysely<D>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}
