/**
 * Upgrades: a database created by each committed schema version (fixtures/, one per migration)
 * opens with today's code, is migrated forward, and keeps its rows. The fixtures are also checked
 * against today's migrations: a migration that has shipped must never change, since databases
 * made by it exist.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import { openDatabase, sqlitePath } from '../../src/store/database.ts';
import { MIGRATIONS } from '../../src/store/migrations/index.ts';
import { tempDir } from '../support/temp.ts';
import { buildSchemaVersion, dumpSqlite, FIXTURES, fixtureFile } from './schema-fixture.ts';

const versions = MIGRATIONS.map((_, index) => index + 1);

describe('schema upgrades', () => {
  test('one committed fixture per schema version', () => {
    const committed = fs.readdirSync(FIXTURES).filter((f) => /^sqlite-schema-\d{3}\.sql$/.test(f));
    assert.deepEqual(
      committed.sort(),
      versions.map((v) => path.basename(fixtureFile(v))),
      'a new migration needs its fixture: node --import tsx test/store/schema-fixture.ts',
    );
  });

  for (const version of versions) {
    test(`migration ${MIGRATIONS[version - 1]?.name} still creates what its fixture holds`, async () => {
      const file = path.join(tempDir('purser-schema-'), 'built.db');
      await buildSchemaVersion(file, version);
      assert.equal(dumpSqlite(file), fs.readFileSync(fixtureFile(version), 'utf8'));
    });

    test(`a database of schema version ${version} migrates forward and keeps its rows`, async () => {
      const dataDir = tempDir('purser-upgrade-');
      const raw = new SQLite(sqlitePath(dataDir));
      raw.exec(fs.readFileSync(fixtureFile(version), 'utf8'));
      raw.close();

      const handle = await openDatabase({ dataDir });
      try {
        const applied = await handle.db
          .selectFrom('purser_migrations')
          .select('name')
          .orderBy('name')
          .execute();
        assert.deepEqual(
          applied.map((r) => r.name),
          MIGRATIONS.map((m) => m.name),
        );
        const user = await handle.db
          .selectFrom('users')
          .selectAll()
          .where('name', '=', 'alice')
          .executeTakeFirst();
        assert.equal(user?.password_hash, '$argon2id$fixture');
        const robot = await handle.db.selectFrom('robots').select('name').executeTakeFirst();
        assert.equal(robot?.name, 'ci+builder');
        if (version >= 2) {
          const credential = await handle.db.selectFrom('vault_credentials').selectAll().executeTakeFirst();
          assert.equal(credential?.secret, 'sealed:fixture');
        }
        // The tables later migrations added are usable.
        const now = Date.now();
        await handle.db
          .insertInto('audit_log')
          .values({
            time: now,
            source: 'authority',
            action: 'upgrade-test',
            actor: 'test',
            actor_kind: 'system',
            outcome: 'success',
          })
          .execute();
      } finally {
        await handle.close();
      }
      const check = new SQLite(sqlitePath(dataDir), { readonly: true });
      try {
        assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
        assert.deepEqual(check.pragma('foreign_key_check'), []);
      } finally {
        check.close();
      }
    });
  }
});
