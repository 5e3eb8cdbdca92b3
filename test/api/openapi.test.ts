/**
 * GET /api/v1/openapi.json documents every registered /api/v1 route (and nothing else), with
 * the request schemas the routes validate with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiFixture, openApiFixture } from './fixture.ts';

/** Routes from fastify's own route tree (printRoutes), as "METHOD /path/{param}". */
function registeredRoutes(tree: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line.replace(/\u00a0/g, ' '));
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    const path = stack.join('');
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD' && path.startsWith('/api/v1/'))
        routes.push(`${method} ${path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    }
  }
  return routes.sort();
}

describe('OpenAPI document', () => {
  let f: ApiFixture;
  let doc: {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          summary: string;
          parameters?: { name: string; in: string }[];
          requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> };
        }
      >
    >;
  };
  before(async () => {
    f = await openApiFixture();
    const response = await f.call('GET', '/api/v1/openapi.json');
    assert.equal(response.statusCode, 200);
    doc = response.json();
  });
  after(() => f.close());

  test('every registered /api/v1 route is documented, and only those', () => {
    assert.equal(doc.openapi, '3.1.0');
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    // printRoutes drops the static prefix of wildcard nodes (`/tags/*` prints as `*`), so
    // wildcard routes are checked with hasRoute instead, and the rest compared exactly.
    const registered = registeredRoutes(f.app.printRoutes({ commonPrefix: false })).filter(
      (r) => !r.includes('*'),
    );
    assert.ok(registered.length >= 35, `expected the whole API, parsed ${registered.length} routes`);
    assert.deepEqual(
      documented.filter((r) => !r.includes('*')),
      registered,
    );
    for (const route of documented) {
      const [method, url] = route.split(' ') as [string, string];
      const fastifyUrl = url.replace(/\{(\w+)\}/g, ':$1');
      assert.ok(
        f.app.hasRoute({ method: method as 'GET', url: fastifyUrl }),
        `${route} is a registered route`,
      );
    }
    const wildcards = documented.filter((r) => r.includes('*'));
    assert.ok(wildcards.includes('DELETE /api/v1/registries/{service}/tags/*'), 'tag deletion is documented');
    for (const route of [
      'POST /api/v1/users',
      'PUT /api/v1/users/{name}/password',
      'POST /api/v1/robots/{name}/regenerate',
      'GET /api/v1/registries/{service}/config',
      'POST /api/v1/keys/rotate',
      'GET /api/v1/explain',
      'PUT /api/v1/rules',
    ]) {
      assert.ok(documented.includes(route), route);
    }
  });

  test('operations carry summaries, parameters and body schemas', () => {
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok(
          operation.summary && !operation.summary.startsWith(method.toUpperCase()),
          `${method} ${path} has a summary`,
        );
        for (const param of path.match(/\{(\w+)\}/g) ?? []) {
          const name = param.slice(1, -1);
          assert.ok(
            operation.parameters?.some((p) => p.name === name && p.in === 'path'),
            `${method} ${path} documents ${name}`,
          );
        }
      }
    }
    const create = doc.paths['/api/v1/users']!.post!;
    assert.deepEqual(
      Object.keys(create.requestBody!.content['application/json']!.schema.properties!).sort(),
      ['admin', 'disabled', 'groups', 'id', 'name', 'password', 'privileges'],
    );
    const explain = doc.paths['/api/v1/explain']!.get!;
    assert.deepEqual(explain.parameters!.map((p) => p.name).sort(), [
      'account',
      'kind',
      'scope',
      'service',
      'source',
    ]);
  });
});
