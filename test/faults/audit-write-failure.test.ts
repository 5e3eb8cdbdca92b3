/**
 * The store refusing audit writes (SQLite aborting every insert into audit_log, as a full disk
 * or a locked table would): /metrics counts the refused batches in
 * purser_audit_write_failures_total and shows the entries waiting in purser_audit_queue_depth;
 * the requests that were audited still succeed; once the store accepts again, the entries kept
 * in the journal are written and the queue is empty.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { type ApiFixture, openApiFixture } from '../api/fixture.ts';

describe('audit writes refused by the store', { concurrency: false }, () => {
  let f: ApiFixture;
  const metric = async (name: string): Promise<number> => {
    const response = await f.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(response.statusCode, 200);
    const line = new RegExp(`^${name} (\\S+)$`, 'm').exec(response.body);
    assert.ok(line, `${name} in:\n${response.body}`);
    return Number(line[1]);
  };
  const stored = async (group: string): Promise<number> => {
    const row = await f.runtime.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('target', '=', `group:${group}`)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };

  before(async () => {
    f = await openApiFixture();
    await f.runtime.audit.flush();
  });
  after(async () => {
    await f?.close();
  });

  test('no failure counted while the store takes the entries', async () => {
    assert.equal((await f.admin('POST', '/api/v1/groups', { name: 'before' })).statusCode, 201);
    await f.runtime.audit.flush();
    assert.equal(await stored('before'), 1);
    assert.equal(await metric('purser_audit_write_failures_total'), 0);
    assert.equal(await metric('purser_audit_queue_depth'), 0);
  });

  test('refused writes are counted, the entries wait, the audited request succeeds', async () => {
    await sql`create trigger refuse_audit before insert on audit_log begin select raise(abort, 'audit refused by the test'); end`.execute(
      f.runtime.db,
    );
    const created = await f.admin('POST', '/api/v1/groups', { name: 'during' });
    assert.equal(created.statusCode, 201, created.body);
    await f.runtime.audit.flush();
    await f.runtime.audit.flush();
    assert.ok((await metric('purser_audit_write_failures_total')) >= 2, 'each refused batch is counted');
    assert.ok((await metric('purser_audit_queue_depth')) >= 1, 'the entry waits');
    assert.equal(await stored('during'), 0);
  });

  test('the store accepting again: the waiting entries are written, the counter stays', async () => {
    const failures = await metric('purser_audit_write_failures_total');
    await sql`drop trigger refuse_audit`.execute(f.runtime.db);
    await f.runtime.audit.flush();
    assert.equal(await stored('during'), 1, 'the entry kept in the journal reached the store');
    assert.equal(await metric('purser_audit_queue_depth'), 0);
    assert.equal(await metric('purser_audit_write_failures_total'), failures);
  });
});
