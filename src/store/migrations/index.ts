import type { Migration, MigrationProvider } from 'kysely';
import { foundation } from './0001-foundation.js';

/**
 * Every migration, listed in code so the list survives bundling. Names sort in run order:
 * to add one, write `NNNN-title.ts` beside this file and add one line here.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '0001-foundation': foundation,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve({ ...MIGRATIONS }),
};
