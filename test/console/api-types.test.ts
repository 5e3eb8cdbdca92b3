/**
 * The console's API operations (web/src/api/operations.gen.ts) are generated from the OpenAPI
 * document of /api/v1; this fails when a route changes and the file was not regenerated
 * (`npm run gen:api`), so the console's client cannot drift from the server.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_TYPES_FILE, currentOpenApiDocument, renderApiTypes, typeOf } from '../../scripts/api-types.ts';
import { REPO_ROOT } from '../support/purser.ts';

test('operations.gen.ts is what the OpenAPI document of the routes gives (run npm run gen:api)', async () => {
  const doc = await currentOpenApiDocument();
  const written = readFileSync(`${REPO_ROOT}${API_TYPES_FILE}`, 'utf8');
  assert.equal(written, renderApiTypes(doc));
  const ids = Object.values(doc.paths).flatMap((methods) =>
    Object.values(methods).map((op) => op.operationId),
  );
  assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
  for (const id of ['postSession', 'getSearch', 'deleteRegistriesServiceTagsName', 'getAuditActivity']) {
    assert.match(written, new RegExp(`^  ${id}: \\{$`, 'm'), `${id} is an operation`);
  }
});

test('JSON Schema to TypeScript: the shapes TypeBox produces', () => {
  assert.equal(
    typeOf({
      type: 'object',
      required: ['address'],
      properties: {
        address: { type: 'string' },
        expiresAt: { anyOf: [{ type: 'integer' }, { type: 'null' }] },
        permission: {
          anyOf: [
            { const: 'read', type: 'string' },
            { const: 'write', type: 'string' },
          ],
        },
        groups: { type: 'array', items: { type: 'string' } },
      },
    }),
    '{ address: string; expiresAt?: number | null; permission?: "read" | "write"; groups?: Array<string> }',
  );
});
