import type { LogEvent } from 'kysely';
import { Counter, type Registry } from 'prom-client';

/** What a statement does, as `flotte_store_statements_total` labels it: `transaction` is begin, commit, rollback and savepoints. */
export const STATEMENT_KINDS = ['select', 'insert', 'update', 'delete', 'transaction', 'other'] as const;
export type StatementKind = (typeof STATEMENT_KINDS)[number];

const BY_NODE: Readonly<Record<string, number>> = { SelectQueryNode: 0, InsertQueryNode: 1, UpdateQueryNode: 2, DeleteQueryNode: 3 };
const BY_KEYWORD: Readonly<Record<string, number>> = { select: 0, insert: 1, update: 2, delete: 3, begin: 4, start: 4, commit: 4, rollback: 4, savepoint: 4, release: 4 };
const OTHER = 5;
const FIRST_WORD = /^\s*([a-z]+)/i;

/**
 * Every statement a store sends its database, by kind: each query, each begin and commit, the
 * migrations', failed ones too. Counted as Kysely hands each to the driver (its `log` hook), so
 * the hot path pays an increment: a built query is classed by its node, and only raw SQL
 * (`sql` templates, transaction control) by its first word.
 */
export class StatementCounts {
  private readonly counts = STATEMENT_KINDS.map(() => 0);

  /** Kysely's `log` option. */
  readonly observe = (event: LogEvent): void => {
    const node = event.query.query;
    const i = BY_NODE[node.kind] ?? (node.kind === 'RawNode' ? BY_KEYWORD[FIRST_WORD.exec(event.query.sql)?.[1]?.toLowerCase() ?? ''] : undefined) ?? OTHER;
    this.counts[i]!++;
  };

  /** Statements sent since the store opened, by kind. */
  snapshot(): Record<StatementKind, number> {
    return Object.fromEntries(STATEMENT_KINDS.map((k, i) => [k, this.counts[i]!])) as Record<StatementKind, number>;
  }
}

/** `flotte_store_statements_total` on a process's registry, copied from its store's counts at scrape time. */
export class StoreStatementMetrics {
  private readonly statements: Counter;

  constructor(registry: Registry) {
    this.statements = new Counter({ name: 'flotte_store_statements_total', help: 'SQL statements this process sent its store (PostgreSQL or SQLite), by kind (transaction: begin, commit, rollback, savepoints)', labelNames: ['dialect', 'kind'], registers: [registry] });
  }

  refresh(store: { readonly dialect: string; readonly statements: StatementCounts }): void {
    this.statements.reset();
    const counts = store.statements.snapshot();
    for (const kind of STATEMENT_KINDS) this.statements.inc({ dialect: store.dialect, kind }, counts[kind]);
  }
}
