import SQLite from 'better-sqlite3';

/**
 * Everything a store holds, read through a second connection to its SQLite file: every table,
 * every row, so a refusal that changed anything at all shows, whatever the table. The audit
 * log is left out on purpose: a refused write is recorded there by design (src/api/audit.ts).
 */
export class StoreState {
  private readonly db: SQLite.Database;
  private readonly tables: string[];

  constructor(file: string) {
    this.db = new SQLite(file, { readonly: true, fileMustExist: true });
    this.tables = (this.db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%' order by name").all() as { name: string }[])
      .map((t) => t.name)
      .filter((t) => t !== AUDIT);
  }

  /** One string per table, comparable with `diff`. */
  snapshot(): Map<string, string> {
    return new Map(this.tables.map((t) => [t, JSON.stringify(this.db.prepare(`select * from "${t}" order by rowid`).all())]));
  }

  auditCount(): number {
    return (this.db.prepare(`select count(*) as n from "${AUDIT}"`).get() as { n: number }).n;
  }

  close(): void {
    this.db.close();
  }
}

const AUDIT = 'audit';

/** The tables whose rows differ between two snapshots. */
export function changedTables(before: Map<string, string>, after: Map<string, string>): string[] {
  return [...after.keys()].filter((t) => before.get(t) !== after.get(t));
}
