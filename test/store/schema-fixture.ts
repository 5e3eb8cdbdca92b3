/**
 * Databases as each schema version left them, for upgrade tests: `buildSchemaVersion(n)` applies
 * the first n migrations of today's code to a new SQLite file and adds a few rows of that
 * version's tables; `dumpSqlite` writes a file as SQL text, deterministically. The committed
 * fixtures (fixtures/sqlite-schema-NNN.sql) are such dumps, made once when version NNN shipped
 * (`node --import tsx test/store/schema-fixture.ts` writes the missing ones, never overwrites).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { SQLITE_ADAPTER } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import type { Database } from '../../src/store/schema.ts';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
/** The fixture of schema version `version`, named by its migration's number (`009-…` → 009). */
export const fixtureFile = (version: number) =>
  path.join(
    FIXTURES,
    `sqlite-schema-${MIGRATIONS[version - 1]?.name.slice(0, 3) ?? String(version).padStart(3, '0')}.sql`,
  );

/** A fixed clock, so the dumps do not change from one run to the next. */
const T = 1_767_225_600_000; // 2026-01-01T00:00:00Z

/** Rows of the tables each version added, by migration name (numbers are assigned per branch). */
const SAMPLE_ROWS: Readonly<Record<string, readonly string[]>> = {
  '001-core': [
    `insert into meta (key, value) values ('installation', 'fixture')`,
    `insert into groups (id, name, created_at) values (10, 'dev', ${T})`,
    `insert into users (id, name, password_hash, privileges, admin, created_at, updated_at) values (1, 'alice', '$argon2id$fixture', '["DockerRegistriesPuller"]', 0, ${T}, ${T})`,
    `insert into user_groups (user_id, group_id, position) values (1, 10, 0)`,
    `insert into registries (id, service, url, created_at, updated_at) values (1, 'registry.test', 'http://127.0.0.1:5000', ${T}, ${T})`,
    `insert into registry_groups (registry_id, group_id, role) values (1, 10, 'publication')`,
    `insert into robots (id, name, secret_hash, repositories, permission, created_at, updated_at) values (1, 'ci+builder', '$argon2id$fixture', '["team/web"]', 'write', ${T}, ${T})`,
  ],
  '002-vault': [
    `insert into vault_environments (name, created_at, updated_at, updated_by) values ('default', ${T}, ${T}, 'fixture')`,
    `insert into vault_credentials (id, environment, address, username, secret, kind, state, created_at, updated_at, updated_by) values (1, 'default', 'registry.test', 'deploy', 'sealed:fixture', 'basic', 'active', ${T}, ${T}, 'fixture')`,
  ],
  '003-catalog': [
    `insert into audit_log (id, time, source, action, actor, actor_kind, outcome, service, repository) values (1, ${T}, 'registry', 'push', 'alice', 'user', 'success', 'registry.test', 'team/web')`,
    `insert into repositories (id, registry_id, name, created_at, updated_at) values (1, 1, 'team/web', ${T}, ${T})`,
    `insert into repository_tags (repository_id, tag, digest, updated_at) values (1, 'v1', 'sha256:${'a'.repeat(64)}', ${T})`,
  ],
  // A user once unlocked.
  '006-login-unlock': [`update users set unlocked_at = ${T} where name = 'alice'`],
  '009-audit-journal': [
    `insert into audit_journal_marks (journal, seq, updated_at) values ('${T}-4242.jsonl', 7, ${T})`,
    `insert into audit_log (id, time, source, action, actor, actor_kind, outcome, service, details, count, last_time) values (2, ${T}, 'authority', 'token.issue', 'alice', 'user', 'success', 'registry.test', '{"requested":["repository:team/web:pull"],"granted":["repository:team/web:pull"]}', 12, ${T + 59_000})`,
  ],
  // An OIDC person's CLI secret with a sealed refresh token.
  '010-oidc-refresh-tokens': [
    `insert into identity_cli_secrets (source, username, hash, identity, issued_at, refresh_token) values ('sso', 'dana', 'fixture-hash', '{"username":"dana","source":"sso","externalId":"u-1001","groups":["registry-devs"]}', ${T}, 'v1.fixture.sealed')`,
  ],
  '012-manifest-sizes': [
    `insert into manifest_sizes (digest, size, measured_at) values ('sha256:${'a'.repeat(64)}', 2842, ${T})`,
  ],
  '004-console-sessions': [
    `insert into console_sessions (token_hash, principal_kind, principal_name, principal_id, credential_version, csrf_token, created_at, last_seen_at) values ('${'b'.repeat(64)}', 'user', 'alice', 'fixture-principal', 1, 'fixture-csrf', ${T}, ${T})`,
  ],
};

/** Creates `file` as schema version `version` (its first `version` migrations) with sample rows. */
export async function buildSchemaVersion(file: string, version: number): Promise<void> {
  if (version < 1 || version > MIGRATIONS.length) throw new RangeError(`no schema version ${version}`);
  const database = new SQLite(file);
  database.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  try {
    // As migrateToLatest records what it applied.
    await db.schema
      .createTable('purser_migrations')
      .addColumn('name', 'varchar(100)', (c) => c.primaryKey())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();
    for (const migration of MIGRATIONS.slice(0, version)) {
      await migration.up(db, SQLITE_ADAPTER);
      await db.insertInto('purser_migrations').values({ name: migration.name, applied_at: T }).execute();
      for (const statement of SAMPLE_ROWS[migration.name] ?? []) database.exec(statement);
    }
  } finally {
    await db.destroy();
  }
}

/** The schema and rows of an SQLite file as SQL, in a stable order. */
export function dumpSqlite(file: string): string {
  const database = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const objects = database
      .prepare(
        `select type, name, sql from sqlite_master where sql is not null and name not like 'sqlite_%'
         order by case type when 'table' then 0 else 1 end, name`,
      )
      .all() as { type: string; name: string; sql: string }[];
    const lines = [
      '-- Generated by test/store/schema-fixture.ts: do not edit.',
      'PRAGMA foreign_keys = OFF;',
    ];
    for (const object of objects.filter((o) => o.type === 'table')) lines.push(`${object.sql};`);
    for (const table of objects.filter((o) => o.type === 'table')) {
      const rows = database.prepare(`select * from "${table.name}" order by rowid`).all() as Record<
        string,
        unknown
      >[];
      for (const row of rows) {
        const columns = Object.keys(row)
          .map((c) => `"${c}"`)
          .join(', ');
        const values = Object.values(row).map(sqlLiteral).join(', ');
        lines.push(`INSERT INTO "${table.name}" (${columns}) VALUES (${values});`);
      }
    }
    for (const object of objects.filter((o) => o.type !== 'table')) lines.push(`${object.sql};`);
    return `${lines.join('\n')}\n`;
  } finally {
    database.close();
  }
}

function sqlLiteral(value: unknown): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  throw new TypeError(`cannot dump a ${typeof value} value`);
}

const isEntry =
  process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isEntry) {
  fs.mkdirSync(FIXTURES, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(FIXTURES, '.scratch-'));
  try {
    for (let version = 1; version <= MIGRATIONS.length; version++) {
      const target = fixtureFile(version);
      if (fs.existsSync(target)) continue;
      const file = path.join(scratch, `${version}.db`);
      await buildSchemaVersion(file, version);
      fs.writeFileSync(target, dumpSqlite(file));
      process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
