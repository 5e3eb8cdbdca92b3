import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { writeConflictOf } from './write-conflicts.ts';

function sqliteError(sql: string): unknown {
  const db = new SQLite(':memory:');
  db.exec('create table t (id integer primary key, name text unique)');
  db.exec("insert into t values (1, 'x')");
  try {
    db.exec(sql);
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
  throw new Error(`${sql} did not fail`);
}

test('unique and primary-key violations of both dialects, and lost races', () => {
  assert.equal(writeConflictOf(sqliteError("insert into t values (2, 'x')")), 'unique');
  assert.equal(writeConflictOf(sqliteError("insert into t values (1, 'y')")), 'unique');
  assert.equal(writeConflictOf(Object.assign(new Error('duplicate key'), { code: '23505' })), 'unique');
  assert.equal(writeConflictOf(Object.assign(new Error('could not serialize'), { code: '40001' })), 'busy');
  assert.equal(writeConflictOf(Object.assign(new Error('stale'), { code: 'SQLITE_BUSY_SNAPSHOT' })), 'busy');
});

test('anything else is not a write conflict', () => {
  assert.equal(writeConflictOf(sqliteError('insert into t values (3, null, 1)')), undefined);
  assert.equal(writeConflictOf(Object.assign(new Error('not null'), { code: '23502' })), undefined);
  assert.equal(writeConflictOf(new Error('plain')), undefined);
  assert.equal(writeConflictOf('text'), undefined);
  assert.equal(writeConflictOf(null), undefined);
});
