/**
 * The pull-through mirror end to end: one real docker-registry stands in for Docker Hub (token
 * auth, an image pushed with skopeo), a second one runs the configuration `purser mirror config
 * docker.io` prints (proxy mode with the vault's Docker Hub credential, token auth through a
 * running Purser, which also authorizes the stand-in). skopeo pulls twice through the
 * mirror; a counting proxy in front of the upstream shows that only the first pull reached it.
 * Between the mirror and the upstream sits Docker Hub's pull quota (test/support/docker-hub-quota.ts):
 * `purser ratelimit --mirror` reports what is left of it and the pulls the mirror kept off it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import type { MirrorTokenAuth } from '../../src/registry-config/mirror.ts';
import { type FlakyProxy, startFlakyProxy } from '../catalog/flaky-proxy.ts';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { type DockerHubQuota, startDockerHubQuota } from '../support/docker-hub-quota.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { type Registry, startRegistry } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import { tempDir } from '../support/temp.ts';

const MIRROR_SERVICE = 'mirror.test';
const ROBOT = 'ci+puller';
const ROBOT_SECRET = 'puller-secret';
const HUB_SERVICE = 'hub.test';
/** The account the mirror uses upstream (the vault's Docker Hub credential in production). */
const HUB_ROBOT = 'hub+mirror';
const HUB_SECRET = 'hub-pat';
const QUOTA_LIMIT = 3;
const QUOTA_SOURCE = 'hub-account-1';

describe('a pull-through mirror of a Docker Hub stand-in, behind Purser', { timeout: 240_000 }, () => {
  let hub: Registry | undefined;
  let counter: FlakyProxy | undefined;
  let purser: PurserServer | undefined;
  let mirror: Registry | undefined;
  let quota: DockerHubQuota | undefined;
  let configFile = '';
  let debugAddress = '';
  const env = { PURSER_ADMIN_PASSWORD: 'admin-pw' };
  const blobGets = new Map<string, number>();

  before(async () => {
    if (!hasBinary('docker-registry') || !hasBinary('skopeo')) return;
    const work = tempDir('purser-mirror-');
    const purserPort = await freePort();
    const hubPort = await freePort();
    const mirrorPort = await freePort();
    debugAddress = `127.0.0.1:${await freePort()}`;
    configFile = path.join(work, 'purser.yaml');
    fs.writeFileSync(
      configFile,
      YAML.stringify({
        listen: `127.0.0.1:${purserPort}`,
        data: path.join(work, 'data'),
        public_url: `http://127.0.0.1:${purserPort}`,
        token: { issuer: 'purser', lifetime: 300 },
        robots: [
          {
            name: ROBOT,
            secret: ROBOT_SECRET,
            repositories: ['library/*'],
            permission: 'read',
            expires: '2099-12-31',
          },
          {
            name: HUB_ROBOT,
            secret: HUB_SECRET,
            repositories: ['library/*'],
            permission: 'write',
            expires: '2099-12-31',
          },
        ],
        registries: [
          { service: HUB_SERVICE, url: `http://127.0.0.1:${hubPort}`, insecure: true },
          { service: MIRROR_SERVICE, url: `http://127.0.0.1:${mirrorPort}`, insecure: true },
        ],
      }),
    );
    purser = await startPurser({ configFile, env });
    const tokenAuthFor = async (service: string): Promise<MirrorTokenAuth> => {
      const bundle = path.join(work, `${service}.pem`);
      const rendered = await purserCli(
        [
          '--config',
          configFile,
          'registry',
          'config',
          service,
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
      return (YAML.parse(rendered.stdout) as { auth: { token: MirrorTokenAuth } }).auth.token;
    };

    // Docker Hub speaks token auth; Distribution 2.8's proxy sends its upstream credential to a
    // bearer realm only (an htpasswd upstream would get none), so the stand-in does too.
    const hubAuth = await tokenAuthFor(HUB_SERVICE);
    hub = await startRegistry({
      port: hubPort,
      auth: {
        token: {
          realm: hubAuth.realm,
          service: hubAuth.service,
          issuer: hubAuth.issuer,
          rootCertBundle: hubAuth.rootcertbundle,
        },
      },
    });
    const image = path.join(work, 'image');
    await makeOciImage(image, 'v1', 'pulled through the mirror');
    const push = await skopeo([
      'copy',
      '--dest-creds',
      `${HUB_ROBOT}:${HUB_SECRET}`,
      `oci:${image}:v1`,
      `docker://${hub.host}/library/hello:v1`,
    ]);
    assert.equal(push.code, 0, describeResult(push));
    counter = await startFlakyProxy(hub.url);
    counter.decide = (method, url) => {
      const blob = /^\/v2\/library\/hello\/blobs\/(sha256:[0-9a-f]{64})/.exec(url)?.[1];
      if (blob && method === 'GET') blobGets.set(blob, (blobGets.get(blob) ?? 0) + 1);
      return 'pass';
    };
    quota = await startDockerHubQuota({
      target: counter.url,
      limit: QUOTA_LIMIT,
      account: { username: HUB_ROBOT, password: HUB_SECRET },
      source: QUOTA_SOURCE,
    });

    // The mirror's upstream credential is the vault's Docker Hub credential.
    const stored = await purserCli(
      ['--config', configFile, 'vault', 'add', 'docker.io', '--username', HUB_ROBOT, '--password-stdin'],
      { env, input: `${HUB_SECRET}\n` },
    );
    assert.equal(stored.code, 0, describeResult(stored));
    const bundle = path.join(work, 'mirror.pem');
    const rendered = await purserCli(
      [
        '--config',
        configFile,
        'mirror',
        'config',
        'docker.io',
        '--listen',
        `127.0.0.1:${mirrorPort}`,
        '--registry',
        MIRROR_SERVICE,
        '--bundle-out',
        bundle,
        '--remote-url',
        quota.url,
        '--debug-listen',
        debugAddress,
        '--storage',
        path.join(work, 'mirror-storage'),
        '--format',
        'distribution',
      ],
      { env },
    );
    assert.equal(rendered.code, 0, describeResult(rendered));
    const config = YAML.parse(rendered.stdout) as {
      proxy: { remoteurl: string; username: string; password: string };
      auth: { token: MirrorTokenAuth };
    };
    assert.deepEqual(config.proxy, { remoteurl: quota.url, username: HUB_ROBOT, password: HUB_SECRET });
    assert.equal(config.auth.token.service, MIRROR_SERVICE);
    assert.equal(config.auth.token.rootcertbundle, bundle);
    mirror = await startRegistry({ port: mirrorPort, extraYaml: config });
  });

  after(async () => {
    await mirror?.stop();
    await purser?.stop();
    await quota?.close();
    await counter?.close();
    await hub?.stop();
  });

  test('only the first of two pulls through the mirror reaches the upstream; anonymous pulls are refused', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const out = tempDir('purser-mirror-pull-');
    const source = `docker://${mirror!.host}/library/hello:v1`;
    const afterPull: Map<string, number>[] = [];
    for (const n of [1, 2]) {
      const pull = await skopeo([
        'copy',
        '--src-creds',
        `${ROBOT}:${ROBOT_SECRET}`,
        source,
        `oci:${path.join(out, `pull${n}`)}:v1`,
      ]);
      assert.equal(pull.code, 0, describeResult(pull));
      afterPull.push(new Map(blobGets));
    }
    const index = JSON.parse(fs.readFileSync(path.join(out, 'pull2', 'index.json'), 'utf8'));
    assert.equal(index.manifests.length, 1);
    assert.ok(
      blobGets.size >= 2,
      `config and layer fetched from the upstream: ${[...blobGets.keys()].join(', ')}`,
    );
    // 2.8's proxyblobstore fetches a missing blob twice on its first pull (one stream to the
    // client, one into storage); from then on it serves its copy: the second pull costs nothing.
    assert.deepEqual(afterPull[1], afterPull[0], 'the second pull fetched no blob from the upstream');
    for (const [digest, count] of blobGets)
      assert.ok(count <= 2, `${digest} fetched from the upstream ${count} times`);

    const anonymous = await skopeo(['inspect', '--no-creds', source]);
    assert.notEqual(anonymous.code, 0, 'the mirror asks Purser, which gives anonymous callers nothing');
    const wrong = await skopeo(['inspect', '--creds', `${ROBOT}:wrong`, source]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /unauthorized|invalid username\/password/i);
  });
  test('purser ratelimit reports the upstream quota and the pulls the mirror kept off it', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const out = tempDir('purser-mirror-quota-');
    const viaMirror = `docker://${mirror!.host}/library/hello:v1`;
    const direct = `docker://${new URL(quota!.url).host}/library/hello:v1`;
    const pull = (source: string, creds: string, n: string) =>
      skopeo(['copy', '--src-tls-verify=false', '--src-creds', creds, source, `oci:${path.join(out, n)}:v1`]);
    const ratelimit = async (json: boolean) => {
      const run = await purserCli(
        [
          '--config',
          configFile,
          'ratelimit',
          '--auth-url',
          `${quota!.url}/token`,
          '--registry-url',
          quota!.url,
          '--mirror',
          `http://${debugAddress}`,
          ...(json ? ['--json'] : []),
        ],
        { env },
      );
      assert.equal(run.code, 0, describeResult(run));
      return run;
    };
    type Report = {
      rate: { limit: number; remaining: number; window: number; source: string; low: boolean };
      sinceLastCheck?: { counted: number };
      mirror: { pullsServed: number; pullsUpstream: number; pullsSaved: number };
    };
    const report = async () => JSON.parse((await ratelimit(true)).stdout) as Report;

    // The first test pulled twice through the mirror: one manifest GET reached the quota.
    const first = await report();
    assert.equal(quota!.pulls, 1, 'only the first pull through the mirror was counted upstream');
    assert.deepEqual(
      {
        limit: first.rate.limit,
        remaining: first.rate.remaining,
        window: first.rate.window,
        source: first.rate.source,
      },
      { limit: QUOTA_LIMIT, remaining: QUOTA_LIMIT - 1, window: 21_600, source: QUOTA_SOURCE },
    );
    assert.deepEqual(first.mirror, { ...first.mirror, pullsServed: 2, pullsUpstream: 1, pullsSaved: 1 });

    for (const n of ['m1', 'm2', 'm3']) {
      const pulled = await pull(viaMirror, `${ROBOT}:${ROBOT_SECRET}`, n);
      assert.equal(pulled.code, 0, describeResult(pulled));
    }
    const second = await report();
    assert.equal(second.rate.remaining, QUOTA_LIMIT - 1, 'three more pulls through the mirror cost nothing');
    assert.equal(second.sinceLastCheck?.counted, 0);
    assert.deepEqual(second.mirror, { ...second.mirror, pullsServed: 5, pullsUpstream: 1, pullsSaved: 4 });
    assert.ok(quota!.manifestRequests.head >= 5, 'each tag was still checked upstream with a free HEAD');

    // Pulling from the upstream directly spends the quota, then meets Docker Hub's 429.
    for (const n of ['d1', 'd2']) {
      const pulled = await pull(direct, `${HUB_ROBOT}:${HUB_SECRET}`, n);
      assert.equal(pulled.code, 0, describeResult(pulled));
    }
    const refused = await pull(direct, `${HUB_ROBOT}:${HUB_SECRET}`, 'd3');
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /toomanyrequests|pull rate limit/i);
    const viaMirrorStill = await pull(viaMirror, `${ROBOT}:${ROBOT_SECRET}`, 'm4');
    assert.equal(
      viaMirrorStill.code,
      0,
      `the mirror serves from its cache past the quota: ${describeResult(viaMirrorStill)}`,
    );

    const human = (await ratelimit(false)).stdout;
    assert.match(human, new RegExp(`0 of ${QUOTA_LIMIT} pulls remaining per 6 h, source ${QUOTA_SOURCE}`));
    assert.match(human, /WARNING: below 10% of the limit/);
    assert.match(human, /: 2 pulls counted against this quota/);
    assert.match(
      human,
      new RegExp(
        `mirror http://${debugAddress.replace(/\./g, '\\.')}: 6 pulls served since it started, 1 fetched from the upstream \\(counted against the quota\\), 5 kept off the quota`,
      ),
    );
  });
});
