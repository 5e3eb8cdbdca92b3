/**
 * The whole chain with real software on loopback: `purser serve`, a docker-registry configured
 * from `purser registry config --format distribution` (token auth + notifications), skopeo
 * pushing and pulling through Purser's tokens, nginx built from `purser registry config --format
 * nginx`, and podman search through it.
 *
 * Shows: events arrive and answer "who pulled this digest"; /v1/search with alice's credentials
 * lists her repositories and not bob's; podman search (no credentials) through nginx shows what
 * anonymous may pull; discovery finds repositories pushed while Purser was stopped; deleting
 * app:v1 through `purser tag rm` leaves app:v1-alias pullable.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parse } from 'yaml';
import { requireBinaries } from '../support/binaries.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { podman } from '../support/podman.ts';
import { freePort } from '../support/ports.ts';
import { describeResult, type LoggedProcess, spawnLogged } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { type Registry as RunningRegistry, startRegistry } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const SERVICE = 'registry.test';
const ADMIN_PASSWORD = 'admin-pw-for-tests';
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

function auth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test(
  'events, who-pulled, filtered search, podman search through nginx, discovery and safe tag deletion',
  { timeout: 300_000 },
  async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo', 'nginx', 'podman'])) return;
    const dir = tempDir('purser-fullstack-');
    cleanups.push(() => removeTempDir(dir));
    const [purserPort, registryPort, nginxPort] = [await freePort(), await freePort(), await freePort()];
    const purserUrl = `http://127.0.0.1:${purserPort}`;
    const configFile = join(dir, 'purser.yaml');
    writeFileSync(
      configFile,
      `listen: 127.0.0.1:${purserPort}
data: ${join(dir, 'data')}
public_url: ${purserUrl}
token: { issuer: purser, lifetime: 300 }
groups:
  - { name: dev, id: 10 }
users:
  - { name: alice, id: 1, password: alice-pw, groups: [dev], privileges: [puller, pusher] }
  - { name: bob, id: 2, password: bob-pw, groups: [dev], privileges: [puller, pusher] }
registries:
  - { service: ${SERVICE}, url: http://127.0.0.1:${registryPort}, insecure: true, publications: [dev], responsibles: [dev] }
rules:
  - { effect: allow, actions: [pull], repository: "library/**", principals: { kinds: [anonymous] } }
`,
    );
    const env = { PURSER_ADMIN_PASSWORD: ADMIN_PASSWORD };
    let purser: PurserServer = await startPurser({ configFile, env });
    cleanups.push(() => purser.stop());
    const asAdmin = {
      ...env,
      PURSER_URL: purserUrl,
      PURSER_USERNAME: 'admin',
      PURSER_PASSWORD: ADMIN_PASSWORD,
    };
    const cli = async (args: string[]) => {
      const result = await purserCli(args, { env: asAdmin });
      assert.equal(result.code, 0, describeResult(result));
      return result.stdout;
    };

    // Registry configured from Purser's own output.
    const bundle = join(dir, 'bundle.pem');
    const distribution = parse(
      await cli([
        'registry',
        'config',
        SERVICE,
        '--format',
        'distribution',
        '--rootcertbundle',
        bundle,
        '--bundle-out',
        bundle,
      ]),
    ) as Record<string, unknown>;
    assert.ok(distribution.notifications, 'the distribution config has a notifications block');
    assert.deepEqual((distribution.storage as { delete?: unknown } | undefined)?.delete, { enabled: true });
    const registry: RunningRegistry = await startRegistry({
      port: registryPort,
      extraYaml: { auth: distribution.auth, notifications: distribution.notifications } as Record<
        string,
        unknown
      >,
    });
    cleanups.push(() => registry.stop());
    const host = registry.host;

    // Push: alice → users/alice/web, bob → users/bob/api, admin → library/hello and team/app (two tags, one digest).
    const layout = join(dir, 'oci');
    const hello = await makeOciImage(layout, 'hello', 'hello from the full stack');
    const app = await makeOciImage(layout, 'app', 'the app image');
    const push = async (ref: string, to: string, creds: string) => {
      const r = await skopeo(['copy', '--dest-creds', creds, ref, `docker://${host}/${to}`]);
      assert.equal(r.code, 0, describeResult(r));
    };
    await push(hello.ref, 'users/alice/web:v1', 'alice:alice-pw');
    await push(hello.ref, 'users/bob/api:v1', 'bob:bob-pw');
    await push(hello.ref, 'library/hello:v1', `admin:${ADMIN_PASSWORD}`);
    await push(app.ref, 'team/app:v1', 'alice:alice-pw');
    await push(app.ref, 'team/app:v1-alias', 'alice:alice-pw');
    for (const creds of ['alice:alice-pw', 'bob:bob-pw']) {
      const r = await skopeo(['inspect', '--creds', creds, `docker://${host}/library/hello:v1`]);
      assert.equal(r.code, 0, describeResult(r));
    }

    // Events arrive; who pulled library/hello:v1?
    const adminAuth = auth('admin', ADMIN_PASSWORD);
    const usage = await poll('pull events', async () => {
      const response = await fetch(
        `${purserUrl}/api/v1/audit/usage?service=${SERVICE}&image=library/hello:v1`,
        { headers: { authorization: adminAuth } },
      );
      const body = (await response.json()) as {
        digests: string[];
        users: { principal: string; kind: string; addresses: string[] }[];
      };
      return body.users.length >= 2 ? body : undefined;
    });
    assert.deepEqual(usage.digests, [hello.manifestDigest]);
    assert.deepEqual(usage.users.map((u) => u.principal).sort(), ['alice', 'bob']);
    assert.ok(usage.users.every((u) => u.kind === 'user' && u.addresses.includes('127.0.0.1')));
    const whoPulled = await cli(['audit', 'usage', hello.manifestDigest, '--service', SERVICE]);
    assert.match(whoPulled, /alice/);
    assert.match(whoPulled, /bob/);

    // /v1/search with alice's credentials: hers, not bob's.
    const search = async (base: string, query: string, authorization?: string) => {
      const response = await fetch(`${base}/v1/search?q=${encodeURIComponent(query)}&n=25`, {
        headers: authorization ? { authorization } : {},
      });
      assert.equal(response.status, 200);
      return (await response.json()) as { num_results: number; results: { name: string }[] };
    };
    const aliceSees = await poll('the index to know the pushes', async () => {
      const body = await search(purserUrl, '', auth('alice', 'alice-pw'));
      return body.results.some((r) => r.name === 'users/alice/web') &&
        body.results.some((r) => r.name === 'team/app')
        ? body
        : undefined;
    });
    const names = aliceSees.results.map((r) => r.name);
    assert.ok(names.includes('users/alice/web'));
    assert.ok(!names.includes('users/bob/api'), "alice must not see bob's repositories");
    assert.ok(
      (await search(purserUrl, '', auth('bob', 'bob-pw'))).results.some((r) => r.name === 'users/bob/api'),
    );
    assert.deepEqual(
      (await search(purserUrl, '')).results.map((r) => r.name),
      ['library/hello'],
      'anonymous sees only what the rule allows',
    );

    // nginx from `purser registry config --format nginx`, podman search through it (no credentials).
    const block = (await cli(['registry', 'config', SERVICE, '--format', 'nginx'])).replace(
      /listen [^;]+;/,
      `listen 127.0.0.1:${nginxPort};`,
    );
    assert.match(block, /location = \/v1\/search/);
    const nginxDir = join(dir, 'nginx');
    mkdirSync(join(nginxDir, 'tmp'), { recursive: true });
    writeFileSync(join(nginxDir, 'server.conf'), block);
    const temp = (name: string) => `${name}_temp_path ${join(nginxDir, 'tmp', name)};`;
    writeFileSync(
      join(nginxDir, 'nginx.conf'),
      `daemon off;
master_process off;
pid ${join(nginxDir, 'nginx.pid')};
error_log ${join(nginxDir, 'error.log')} info;
events { worker_connections 256; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  include ${join(nginxDir, 'server.conf')};
}
`,
    );
    const nginx: LoggedProcess = spawnLogged('nginx', [
      '-p',
      nginxDir,
      '-c',
      join(nginxDir, 'nginx.conf'),
      '-e',
      join(nginxDir, 'error.log'),
    ]);
    cleanups.push(() => nginx.stop('SIGTERM', 5_000));
    const nginxUrl = `http://127.0.0.1:${nginxPort}`;
    await poll(
      'nginx',
      async () =>
        (await fetch(`${nginxUrl}/v1/_ping`).catch(() => undefined))?.status === 200 ? true : undefined,
      15_000,
    );
    const viaNginx = await search(nginxUrl, 'web', auth('alice', 'alice-pw'));
    assert.deepEqual(
      viaNginx.results.map((r) => r.name),
      ['users/alice/web'],
    );
    const found = await podman(['search', `127.0.0.1:${nginxPort}/hello`]);
    assert.equal(found.code, 0, describeResult(found));
    assert.match(found.stdout, new RegExp(`127\\.0\\.0\\.1:${nginxPort}/library/hello`));
    const hidden = await podman(['search', `127.0.0.1:${nginxPort}/alice`]);
    assert.doesNotMatch(
      hidden.stdout,
      /users\/alice\/web/,
      'podman sends no credentials: private repositories stay hidden',
    );

    // Discovery: a repository pushed while Purser is stopped is found after it starts again.
    // The push uses a token Purser issued before it stopped (tokens live 300 s).
    const tokenResponse = await fetch(
      `${purserUrl}/token?service=${SERVICE}&scope=repository:team/quiet:pull,push`,
      { headers: { authorization: auth('alice', 'alice-pw') } },
    );
    const { token } = (await tokenResponse.json()) as { token: string };
    await purser.stop();
    const { RegistryClient } = await import('../../src/registry-client/registry-client.ts');
    const { pushImage } = await import('./push-image.ts');
    await pushImage(
      new RegistryClient({ url: registry.url, tokens: () => token }),
      'team/quiet',
      ['v1'],
      'pushed while purser was down',
    );
    purser = await startPurser({ configFile, env });
    const synced = await cli(['registry', 'sync', SERVICE, '--json']);
    const report = JSON.parse(synced) as { repositories: number; failures: number };
    assert.equal(report.failures, 0);
    assert.ok(report.repositories >= 5);
    const catalog = (await (
      await fetch(`${purserUrl}/api/v1/registries/${SERVICE}/catalog`, {
        headers: { authorization: auth('alice', 'alice-pw') },
      })
    ).json()) as { repositories: string[] };
    assert.ok(catalog.repositories.includes('team/quiet'), 'found by discovery');
    assert.ok(
      !catalog.repositories.includes('users/bob/api'),
      'the catalog is filtered for non-administrators',
    );

    // The audit log through the CLI: a page, and a CSV export.
    const page = await cli(['audit', 'ls', '--repository', 'library/hello', '--action', 'pull']);
    assert.match(page.split('\n')[0]!, /^TIME\s+LAST\s+COUNT\s+ACTION\s+PRINCIPAL/);
    assert.ok(page.split('\n').filter((line) => /\bpull\b/.test(line)).length >= 2);
    const exported = await cli(['audit', 'export', '--format', 'csv', '--principal', 'bob']);
    assert.match(exported, /^id,time,source,action,actor/);
    assert.match(exported, /,pull,bob,user,/);
    const tags = await cli(['tag', 'ls', SERVICE, 'team/app']);
    assert.match(tags, /v1-alias\s+sha256:/);

    // Safe tag deletion through the CLI: app:v1 goes, app:v1-alias stays pullable.
    const removed = await cli(['tag', 'rm', SERVICE, 'team/app:v1']);
    assert.match(removed, /deleted team\/app:v1 only/);
    const alias = await skopeo([
      'inspect',
      '--creds',
      'alice:alice-pw',
      `docker://${host}/team/app:v1-alias`,
    ]);
    assert.equal(alias.code, 0, describeResult(alias));
    assert.equal((JSON.parse(alias.stdout) as { Digest: string }).Digest, app.manifestDigest);
    const gone = await skopeo(['inspect', '--creds', 'alice:alice-pw', `docker://${host}/team/app:v1`]);
    assert.notEqual(gone.code, 0, 'team/app:v1 is deleted');
  },
);
