/**
 * Appends rows of one table in bulk (the audit trail's batches), optionally recording in the
 * same transaction how far a journal has been applied (`JournalMark`), so that replaying the
 * journal after a crash inserts each entry exactly once.
 *
 * On SQLite it runs one cached prepared statement per row inside a single transaction, holding
 * Kysely's connection so no Kysely transaction interleaves; elsewhere it is a multi-row Kysely
 * insert in a transaction. A failed SQLite transaction is rolled back only when it is still
 * open: SQLite ends it by itself on SQLITE_FULL and SQLITE_IOERR, and a second ROLLBACK would
 * replace the real error ("database or disk is full") with "cannot rollback - no transaction
 * is active".
 */
import type { Insertable, Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { StoreGate } from './store-gate.ts';

export interface JournalMark {
  /** The journal segment's name. */
  readonly journal: string;
  /** The highest sequence number of the segment now in the table. */
  readonly seq: number;
}

export interface RowWriter {
  insertRows<T extends keyof Database & string>(
    table: T,
    rows: readonly Insertable<Database[T]>[],
    mark?: JournalMark,
  ): Promise<void>;
}

type SqliteConnection = import('better-sqlite3').Database;
type SqliteStatement = import('better-sqlite3').Statement<unknown[]>;

const UPSERT_MARK =
  'insert into "audit_journal_marks" ("journal", "seq", "updated_at") values (?, ?, ?) ' +
  'on conflict ("journal") do update set "seq" = excluded."seq", "updated_at" = excluded."updated_at"';

export function sqliteRowWriter(
  db: Kysely<Database>,
  database: SqliteConnection,
  gate: StoreGate,
): RowWriter {
  const statements = new Map<string, SqliteStatement>();
  const prepare = (sql: string): SqliteStatement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = database.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  return {
    async insertRows(table, rows, mark) {
      const first = rows[0];
      if (!first && !mark) return;
      gate.assertWritable();
      const columns = first ? Object.keys(first) : [];
      const names = columns.map((c) => `"${c}"`).join(', ');
      const insert = first
        ? prepare(`insert into "${table}" (${names}) values (${columns.map(() => '?').join(', ')})`)
        : undefined;
      const upsert = mark ? prepare(UPSERT_MARK) : undefined;
      // Holding Kysely's only connection keeps its transactions from interleaving with this one.
      await db.connection().execute(async () => {
        prepare('begin').run();
        try {
          if (insert)
            for (const row of rows as readonly Record<string, unknown>[])
              insert.run(columns.map((column) => row[column] ?? null));
          if (upsert && mark) upsert.run(mark.journal, mark.seq, Date.now());
          prepare('commit').run();
        } catch (error) {
          if (database.inTransaction) prepare('rollback').run();
          throw error;
        }
      });
    },
  };
}

/** Multi-row Kysely inserts of 200 rows in one transaction: PostgreSQL's RowWriter, and the default elsewhere. */
export function kyselyRowWriter(db: Kysely<Database>): RowWriter {
  return {
    async insertRows(table, rows, mark) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < rows.length; i += 200) {
          // The table is generic here; the caller typed the rows for it.
          await trx
            .insertInto(table)
            .values(rows.slice(i, i + 200) as never)
            .execute();
        }
        if (mark) {
          const values = { journal: mark.journal, seq: mark.seq, updated_at: Date.now() };
          await trx
            .insertInto('audit_journal_marks')
            .values(values)
            .onConflict((oc) =>
              oc.column('journal').doUpdateSet({ seq: values.seq, updated_at: values.updated_at }),
            )
            .execute();
        }
      });
    },
  };
}
