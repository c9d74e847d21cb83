import { PostgresAdapter, type Kysely } from 'kysely';

/** Lets a migration spell the few things the dialects disagree on. */
export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}
