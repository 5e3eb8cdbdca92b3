/**
 * A group an identity source's mapping names cannot be deleted (409, naming the source): the
 * mapping would point at nothing, and the next start refuses such a configuration. Other groups
 * delete as before (204, then 404).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parseIdentitySources } from '../../src/identity/sources/source-config.ts';
import { freePort } from '../support/ports.ts';
import { type ApiFixture, errorOf, openApiFixture } from './fixture.ts';

describe('deleting a group an identity source maps to', () => {
  let f: ApiFixture;
  before(async () => {
    const issuer = `http://127.0.0.1:${await freePort()}`;
    const parsed = parseIdentitySources([
      {
        name: 'corp',
        kind: 'oidc',
        issuer,
        client_id: 'purser',
        timeout: 1,
        groups: { devs: ['dev', 'ops'] },
      },
    ]);
    assert.deepEqual(parsed.problems, []);
    f = await openApiFixture({ identitySources: parsed.sources });
    for (const name of ['dev', 'ops', 'qa']) {
      const created = await f.admin('POST', '/api/v1/groups', { name });
      assert.equal(created.statusCode, 201, created.body);
    }
  });
  after(() => f.close());

  test('is refused with 409 naming the source, and the group stays', async () => {
    for (const name of ['dev', 'ops']) {
      const r = await f.admin('DELETE', `/api/v1/groups/${name}`);
      assert.equal(r.statusCode, 409, r.body);
      assert.equal(
        errorOf(r).message,
        `group "${name}" is named by the group mapping of identity source corp: remove it there first`,
      );
      assert.equal((await f.admin('GET', `/api/v1/groups/${name}`)).statusCode, 200);
    }
  });

  test('a group no mapping names is deleted', async () => {
    assert.equal((await f.admin('DELETE', '/api/v1/groups/qa')).statusCode, 204);
    assert.equal((await f.admin('GET', '/api/v1/groups/qa')).statusCode, 404);
    assert.equal((await f.admin('DELETE', '/api/v1/groups/qa')).statusCode, 404);
  });
});
