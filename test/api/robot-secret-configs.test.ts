/**
 * `?configs=REGISTRY` on robot creation and on secret regeneration (what the console shows with
 * a new secret): the same ready-made configurations (Docker, Kubernetes, podman, Mesos, rkt),
 * holding the new secret. Services regenerate without configurations.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { type ApiFixture, errorOf, openApiFixture } from './fixture.ts';

interface WithConfigs {
  name: string;
  secret: string;
  configs?: {
    registry: string;
    docker: string;
    kubernetes: string;
    podman: string;
    mesos: string;
    rkt: { name: string; content: string }[];
  };
}

const authOf = (config: string, registry: string) => {
  const auths = (JSON.parse(config) as { auths: Record<string, { auth: string }> }).auths;
  return Buffer.from(auths[registry]!.auth, 'base64').toString();
};

describe('robot secret configurations', () => {
  let f: ApiFixture;
  before(async () => {
    f = await openApiFixture();
  });
  after(() => f.close());

  test('regeneration carries the same configurations as creation, with the new secret', async () => {
    const created = await f.admin('POST', '/api/v1/robots?configs=registry.example.org:5000', {
      name: 'ci+cfg',
      permission: 'read',
      repositories: ['team/*'],
    });
    assert.equal(created.statusCode, 201, created.body);
    const first = created.json() as WithConfigs;
    const regenerated = await f.admin(
      'POST',
      '/api/v1/robots/ci+cfg/regenerate?configs=registry.example.org:5000',
    );
    assert.equal(regenerated.statusCode, 200, regenerated.body);
    const again = regenerated.json() as WithConfigs;
    assert.notEqual(again.secret, first.secret);
    assert.deepEqual(Object.keys(again.configs ?? {}).sort(), Object.keys(first.configs ?? {}).sort());
    const configs = again.configs!;
    assert.equal(configs.registry, 'registry.example.org:5000');
    assert.equal(authOf(configs.docker, configs.registry), `ci+cfg:${again.secret}`);
    assert.equal(authOf(configs.podman, configs.registry), `ci+cfg:${again.secret}`);
    const secret = parse(configs.kubernetes) as { data: Record<string, string> };
    const inner = Buffer.from(secret.data['.dockerconfigjson']!, 'base64').toString();
    assert.equal(authOf(inner, configs.registry), `ci+cfg:${again.secret}`);
    assert.ok(gunzipSync(Buffer.from(configs.mesos, 'base64')).length > 0, 'the Mesos docker.tar.gz');
    assert.ok(configs.rkt.length > 0);
    assert.match(configs.rkt[0]!.content, new RegExp(again.secret.replace(/[^A-Za-z0-9]/g, '.')));
  });

  test('without ?configs= only the secret; a bad address is a clear 400', async () => {
    const plain = await f.admin('POST', '/api/v1/robots/ci+cfg/regenerate');
    assert.equal(plain.statusCode, 200, plain.body);
    assert.deepEqual(Object.keys(plain.json() as object).sort(), ['name', 'secret']);
    const bad = await f.admin('POST', '/api/v1/robots/ci+cfg/regenerate?configs=not%20an%20address');
    assert.equal(bad.statusCode, 400, bad.body);
    assert.match(errorOf(bad).message, /is not a registry address/);
  });

  test('a service regenerates without configurations', async () => {
    const created = await f.admin('POST', '/api/v1/services', { name: 'svc-cfg' });
    assert.equal(created.statusCode, 201, created.body);
    const r = await f.admin('POST', '/api/v1/services/svc-cfg/regenerate?configs=registry.example.org');
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(Object.keys(r.json() as object).sort(), ['name', 'secret']);
  });
});
