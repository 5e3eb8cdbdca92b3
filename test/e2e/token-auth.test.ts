/**
 * End to end: Debian's docker-registry 2.8, configured from `purser registry config` output,
 * sends skopeo, containerd and the docker CLI to a running Purser, which decides per the
 * access model. Everything runs on loopback.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { requireBinaries } from '../support/binaries.ts';
import { startContainerd } from '../support/containerd.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { type Registry, startRegistry } from '../support/registry.ts';
import { docker, dockerConfigDir, skopeo, tempAuthFile } from '../support/skopeo.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const SERVICE = 'registry.test';

describe('token auth with a real registry and real clients', () => {
  let work: string;
  let purser: PurserServer | undefined;
  let registry: Registry | undefined;
  let image: string;
  let configFile: string;
  const env: Record<string, string> = { PURSER_ADMIN_PASSWORD: 'admin-pw' };

  before(async () => {
    work = tempDir('purser-e2e-token-');
    const purserPort = await freePort();
    const registryPort = await freePort();
    configFile = path.join(work, 'purser.yaml');
    fs.writeFileSync(
      configFile,
      YAML.stringify({
        listen: `127.0.0.1:${purserPort}`,
        data: path.join(work, 'data'),
        public_url: `http://127.0.0.1:${purserPort}`,
        token: { issuer: 'purser', lifetime: 300 },
        groups: [{ name: 'dev', id: 10 }],
        users: [
          {
            name: 'alice',
            id: 1,
            password: 'alice-pw',
            groups: ['dev', 'ops'],
            privileges: ['DockerRegistriesPuller', 'DockerRegistriesPusher'],
          },
          { name: 'bob', id: 2, password: 'bob-pw', groups: ['dev'], privileges: ['puller'] },
          {
            name: 'carol',
            id: 3,
            password: 'carol-pw',
            groups: ['elsewhere'],
            privileges: ['puller', 'pusher'],
          },
        ],
        apps: [{ name: 'shop', id: 20, publications: ['dev'], responsibles: ['ops'] }],
        services: [{ name: 'node1.example.com', app: 'shop', secret: 'node1-secret' }],
        robots: [
          {
            name: 'ci+builder',
            secret: 'robot-secret',
            repositories: ['team/api', 'robots/*'],
            permission: 'write',
            expires: '2099-12-31',
          },
        ],
        registries: [
          {
            service: SERVICE,
            url: `http://127.0.0.1:${registryPort}`,
            insecure: true,
            publications: ['dev'],
            responsibles: ['ops'],
          },
        ],
      }),
    );
    image = path.join(work, 'image');
    await makeOciImage(image, 'v1', 'hello from purser e2e');
    purser = await startPurser({ configFile, env });

    const bundle = path.join(work, 'bundle.pem');
    const rendered = await purserCli(
      [
        '--config',
        configFile,
        'registry',
        'config',
        SERVICE,
        '--format',
        'distribution',
        '--rootcertbundle',
        bundle,
        '--bundle-out',
        bundle,
      ],
      { env },
    );
    assert.equal(rendered.code, 0, describeResult(rendered));
    const token = (
      YAML.parse(rendered.stdout) as {
        auth: { token: { realm: string; service: string; issuer: string; rootcertbundle: string } };
      }
    ).auth.token;
    assert.equal(token.realm, `${purser.url}/token`);
    assert.ok(fs.readFileSync(bundle, 'utf8').includes('BEGIN CERTIFICATE'));
    registry = await startRegistry({
      port: registryPort,
      auth: {
        token: {
          realm: token.realm,
          service: token.service,
          issuer: token.issuer,
          rootCertBundle: token.rootcertbundle,
        },
      },
    });
  });

  after(async () => {
    await registry?.stop();
    await purser?.stop();
    if (work) removeTempDir(work);
  });

  const ref = (repository: string) => `docker://${registry!.host}/${repository}`;
  const creds = (user: string, password: string) => ['--creds', `${user}:${password}`];

  test('skopeo login succeeds for alice and fails with a wrong password', async (t) => {
    if (!requireBinaries(t, ['skopeo', 'docker-registry'])) return;
    const authfile = tempAuthFile();
    const ok = await skopeo(['login', '--username', 'alice', '--password-stdin', registry!.host], {
      authfile,
      input: 'alice-pw',
    });
    assert.equal(ok.code, 0, describeResult(ok));
    const bad = await skopeo(['login', '--username', 'alice', '--password-stdin', registry!.host], {
      input: 'nope',
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /invalid username\/password/);
    const unknown = await skopeo(['login', '--username', 'mallory', '--password-stdin', registry!.host], {
      input: 'nope',
    });
    // skopeo's log lines carry their own timestamps; everything else must match.
    const untimed = (stderr: string) => stderr.replace(/time="[^"]*"/g, 'time=""');
    assert.equal(
      untimed(unknown.stderr.replace(/mallory/g, 'alice')),
      untimed(bad.stderr),
      'unknown user and wrong password read the same',
    );
  });

  test('alice pushes, inspects, lists tags; bob pulls but cannot push; carol is denied', async (t) => {
    if (!requireBinaries(t, ['skopeo', 'docker-registry'])) return;
    const push = await skopeo([
      'copy',
      '--dest-creds',
      'alice:alice-pw',
      `oci:${image}:v1`,
      ref('team/web:v1'),
    ]);
    assert.equal(push.code, 0, describeResult(push));
    const inspect = await skopeo(['inspect', ...creds('alice', 'alice-pw'), ref('team/web:v1')]);
    assert.equal(inspect.code, 0, describeResult(inspect));
    assert.equal(JSON.parse(inspect.stdout).Name, `${registry!.host}/team/web`);
    const tags = await skopeo(['list-tags', ...creds('alice', 'alice-pw'), ref('team/web')]);
    assert.deepEqual(JSON.parse(tags.stdout).Tags, ['v1']);

    const bobPull = await skopeo(['inspect', ...creds('bob', 'bob-pw'), ref('team/web:v1')]);
    assert.equal(bobPull.code, 0, describeResult(bobPull));
    const bobPush = await skopeo([
      'copy',
      '--dest-creds',
      'bob:bob-pw',
      `oci:${image}:v1`,
      ref('team/web:bob'),
    ]);
    assert.notEqual(bobPush.code, 0);
    assert.match(bobPush.stderr, /denied/);
    const carol = await skopeo(['inspect', ...creds('carol', 'carol-pw'), ref('team/web:v1')]);
    assert.notEqual(carol.code, 0);
    assert.match(carol.stderr, /denied/);
    const anonymous = await skopeo(['inspect', '--no-creds', ref('team/web:v1')]);
    assert.notEqual(anonymous.code, 0, 'anonymous gets nothing by default');
  });

  test('users/<name> belongs to that user only', async (t) => {
    if (!requireBinaries(t, ['skopeo', 'docker-registry'])) return;
    const own = await skopeo([
      'copy',
      '--dest-creds',
      'alice:alice-pw',
      `oci:${image}:v1`,
      ref('users/alice/tool:v1'),
    ]);
    assert.equal(own.code, 0, describeResult(own));
    const byId = await skopeo(['inspect', ...creds('alice', 'alice-pw'), ref('users/1/tool:v1')]);
    assert.notEqual(byId.code, 0, 'users/1/tool is a different, empty repository');
    assert.match(byId.stderr, /manifest unknown|not found/i);
    const other = await skopeo(['inspect', ...creds('bob', 'bob-pw'), ref('users/alice/tool:v1')]);
    assert.match(other.stderr, /denied/);
  });

  test('a service account pulls its app image and cannot push', async (t) => {
    if (!requireBinaries(t, ['skopeo', 'docker-registry'])) return;
    const publish = await skopeo([
      'copy',
      '--dest-creds',
      'alice:alice-pw',
      `oci:${image}:v1`,
      ref('apps/shop/api:v1'),
    ]);
    assert.equal(publish.code, 0, describeResult(publish));
    const pull = await skopeo([
      'inspect',
      ...creds('node1.example.com', 'node1-secret'),
      ref('apps/shop/api:v1'),
    ]);
    assert.equal(pull.code, 0, describeResult(pull));
    const push = await skopeo([
      'copy',
      '--dest-creds',
      'node1.example.com:node1-secret',
      `oci:${image}:v1`,
      ref('apps/shop/api:v2'),
    ]);
    assert.notEqual(push.code, 0);
    assert.match(push.stderr, /denied/);
    const personal = await skopeo([
      'inspect',
      ...creds('node1.example.com', 'node1-secret'),
      ref('users/alice/tool:v1'),
    ]);
    assert.match(personal.stderr, /denied/, 'services never reach users/');
  });

  test('a robot pushes only to its repositories', async (t) => {
    if (!requireBinaries(t, ['skopeo', 'docker-registry'])) return;
    const mine = await skopeo([
      'copy',
      '--dest-creds',
      'ci+builder:robot-secret',
      `oci:${image}:v1`,
      ref('team/api:v1'),
    ]);
    assert.equal(mine.code, 0, describeResult(mine));
    const glob = await skopeo([
      'copy',
      '--dest-creds',
      'ci+builder:robot-secret',
      `oci:${image}:v1`,
      ref('robots/one:v1'),
    ]);
    assert.equal(glob.code, 0, describeResult(glob));
    const other = await skopeo([
      'copy',
      '--dest-creds',
      'ci+builder:robot-secret',
      `oci:${image}:v1`,
      ref('team/web:robot'),
    ]);
    assert.notEqual(other.code, 0);
    assert.match(other.stderr, /denied/);
  });

  test('containerd pulls with --user; bad credentials fail', async (t) => {
    if (!requireBinaries(t, ['containerd', 'ctr', 'docker-registry'])) return;
    const containerd = await startContainerd();
    t.after(() => containerd.stop());
    const pulled = await containerd.ctr(
      ['images', 'pull', '--plain-http', '--user', 'bob:bob-pw', `${registry!.host}/team/web:v1`],
      { timeoutMs: 120_000 },
    );
    assert.equal(pulled.code, 0, describeResult(pulled));
    const bad = await containerd.ctr(
      ['images', 'pull', '--plain-http', '--user', 'bob:wrong', `${registry!.host}/team/api:v1`],
      { timeoutMs: 60_000 },
    );
    assert.notEqual(bad.code, 0);
  });

  test('docker login stores an identity token and later commands refresh with it', async (t) => {
    if (!requireBinaries(t, ['docker', 'docker-registry'])) return;
    const configDir = dockerConfigDir(tempDir('purser-e2e-docker-'));
    const login = await docker(['login', '-u', 'alice', '--password-stdin', registry!.host], {
      configDir,
      input: 'alice-pw',
    });
    assert.equal(login.code, 0, describeResult(login));
    const stored = JSON.parse(fs.readFileSync(path.join(configDir, 'config.json'), 'utf8'));
    const entry = stored.auths[registry!.host];
    assert.ok(entry.identitytoken, 'docker keeps the refresh token as identitytoken');
    assert.equal(Buffer.from(entry.auth, 'base64').toString(), 'alice:', 'and no password');
    const inspect = await docker(['manifest', 'inspect', '--insecure', `${registry!.host}/team/web:v1`], {
      configDir,
    });
    assert.equal(inspect.code, 0, describeResult(inspect));
    assert.equal(JSON.parse(inspect.stdout).schemaVersion, 2);
    const bad = await docker(['login', '-u', 'alice', '--password-stdin', registry!.host], {
      input: 'wrong',
    });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /bad credentials|unauthorized/);
  });

  test('skopeo deletes a tag where push is allowed', async (t) => {
    if (!requireBinaries(t, ['skopeo', 'docker-registry'])) return;
    await skopeo(['copy', '--dest-creds', 'alice:alice-pw', `oci:${image}:v1`, ref('team/tmp:v1')]);
    const bobDelete = await skopeo(['delete', ...creds('bob', 'bob-pw'), ref('team/tmp:v1')]);
    assert.notEqual(bobDelete.code, 0, 'bob may pull but not delete');
    const deleted = await skopeo(['delete', ...creds('alice', 'alice-pw'), ref('team/tmp:v1')]);
    assert.equal(deleted.code, 0, describeResult(deleted));
    const gone = await skopeo(['inspect', ...creds('alice', 'alice-pw'), ref('team/tmp:v1')]);
    assert.notEqual(gone.code, 0);
  });

  test('after a Purser restart, the registry still accepts its tokens (keys persisted)', async (t) => {
    if (!requireBinaries(t, ['skopeo', 'docker-registry'])) return;
    const basic = `Basic ${Buffer.from('bob:bob-pw').toString('base64')}`;
    const before = (await (
      await fetch(`${purser!.url}/token?service=${SERVICE}&scope=repository:team/web:pull`, {
        headers: { authorization: basic },
      })
    ).json()) as { token: string };
    await purser!.restart();
    const afterRestart = (await (
      await fetch(`${purser!.url}/token?service=${SERVICE}&scope=repository:team/web:pull`, {
        headers: { authorization: basic },
      })
    ).json()) as { token: string };
    for (const token of [before.token, afterRestart.token]) {
      const response = await fetch(`${registry!.url}/v2/team/web/tags/list`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(response.status, 200, await response.text());
    }
    const inspect = await skopeo(['inspect', ...creds('bob', 'bob-pw'), ref('team/web:v1')]);
    assert.equal(inspect.code, 0, describeResult(inspect));
  });
});
