/**
 * The refresher's targets on disk and through a (fake) Kubernetes API server, and one watch
 * loop end to end: a fake Google endpoint issuing 4-second tokens, the minted-token cache, and a
 * Docker config.json rewritten at each half-life.
 */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import YAML from 'yaml';
import { GcpTokenProvider } from '../../src/cloud/gcp-token-provider.ts';
import { MintedTokenCache } from '../../src/cloud/minted-token-cache.ts';
import type { ExportCredential } from '../../src/formats/registry.ts';
import {
  DockerConfigTarget,
  K8sSecretFileTarget,
  PodmanAuthTarget,
  Rke2RegistriesTarget,
} from '../../src/refresh/file-targets.ts';
import { K8sSecretApiTarget } from '../../src/refresh/k8s-secret-api-target.ts';
import { KubeSecretClient } from '../../src/refresh/kube-secret-client.ts';
import { loadKubeconfig } from '../../src/refresh/kubeconfig.ts';
import { type RefreshReport, RefreshScheduler } from '../../src/refresh/refresh-scheduler.ts';
import { requireBinary } from '../support/binaries.ts';
import { startFakeGoogle } from '../support/fake-google.ts';
import { type FakeKubeApi, startFakeKubeApi } from '../support/fake-kube-api.ts';
import { tempDir } from '../support/temp.ts';
import { selfSignedCertificate } from '../support/tls.ts';

const ecr: ExportCredential = {
  address: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  username: 'AWS',
  secret: 'ecr-token-1',
  kind: 'ecr',
};
const hub: ExportCredential = { address: 'docker.io', username: 'alice', secret: 'hub-pw', kind: 'basic' };
const b64 = (s: string) => Buffer.from(s).toString('base64');
const decodeSecret = (data: Record<string, string>) =>
  JSON.parse(Buffer.from(data['.dockerconfigjson'] ?? '', 'base64').toString('utf8')) as {
    auths: Record<string, { username: string; password: string; auth: string }>;
  };

describe('refresh targets on disk', () => {
  test('docker config.json and podman auth.json are merged, keeping other entries and the mode', async () => {
    const dir = tempDir('purser-refresh-');
    const docker = join(dir, 'config.json');
    writeFileSync(
      docker,
      JSON.stringify({ auths: { 'quay.io': { auth: b64('q:q') } }, credsStore: 'desktop' }),
    );
    chmodSync(docker, 0o640);
    await new DockerConfigTarget(docker).write([ecr, hub]);
    const written = JSON.parse(readFileSync(docker, 'utf8'));
    assert.deepEqual(written.auths, {
      'quay.io': { auth: b64('q:q') },
      [ecr.address]: { auth: b64('AWS:ecr-token-1') },
      'https://index.docker.io/v1/': { auth: b64('alice:hub-pw') },
    });
    assert.equal(written.credsStore, 'desktop');
    assert.equal(statSync(docker).mode & 0o777, 0o640);

    const podman = join(dir, 'containers', 'auth.json');
    await new PodmanAuthTarget(podman).write([hub]);
    assert.deepEqual(JSON.parse(readFileSync(podman, 'utf8')).auths, {
      'docker.io': { auth: b64('alice:hub-pw') },
    });
    assert.equal(statSync(podman).mode & 0o777, 0o600);
  });

  test('a Secret manifest and RKE2 registries.yaml (mirrors and tls kept)', async () => {
    const dir = tempDir('purser-refresh-');
    const manifest = join(dir, 'regcred.yaml');
    await new K8sSecretFileTarget(manifest, { name: 'regcred', namespace: 'ci' }).write([ecr]);
    const secret = YAML.parse(readFileSync(manifest, 'utf8'));
    assert.equal(secret.type, 'kubernetes.io/dockerconfigjson');
    assert.equal(secret.metadata.namespace, 'ci');
    assert.equal(decodeSecret(secret.data).auths[ecr.address]?.password, 'ecr-token-1');

    const rke2 = join(dir, 'registries.yaml');
    writeFileSync(
      rke2,
      YAML.stringify({
        mirrors: { 'docker.io': { endpoint: ['http://127.0.0.1:5003'] } },
        configs: {
          [ecr.address]: { tls: { insecure_skip_verify: false }, auth: { username: 'AWS', password: 'old' } },
        },
      }),
    );
    await new Rke2RegistriesTarget(rke2).write([ecr]);
    const registries = YAML.parse(readFileSync(rke2, 'utf8'));
    assert.deepEqual(registries.mirrors, { 'docker.io': { endpoint: ['http://127.0.0.1:5003'] } });
    assert.deepEqual(registries.configs[ecr.address], {
      tls: { insecure_skip_verify: false },
      auth: { username: 'AWS', password: 'ecr-token-1' },
    });
  });
});

describe('refresh target: a Secret through the API server', () => {
  let api: FakeKubeApi;
  let kubeconfig: string;
  let dir: string;
  before(async () => {
    dir = tempDir('purser-kube-');
    api = await startFakeKubeApi({ token: 'sa-token' });
    writeFileSync(join(dir, 'token'), 'sa-token\n');
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      YAML.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'ci',
        clusters: [{ name: 'local', cluster: { server: api.url } }],
        users: [{ name: 'refresher', user: { tokenFile: 'token' } }],
        contexts: [{ name: 'ci', context: { cluster: 'local', user: 'refresher', namespace: 'builds' } }],
      }),
    );
  });
  after(() => api.close());

  test('created, then replaced with its resourceVersion; a concurrent write is retried', async () => {
    const target = new K8sSecretApiTarget({ kubeconfig, name: 'regcred' });
    assert.match(await target.write([ecr]), /builds\/regcred created/);
    assert.deepEqual(
      api.calls,
      [
        'GET /api/v1/namespaces/builds/secrets/regcred',
        'POST /api/v1/namespaces/builds/secrets application/json',
      ],
      '@kubernetes/client-node reads (404), then creates with a JSON body',
    );
    const created = api.secrets.get('builds/regcred')!;
    assert.equal(created.metadata.labels?.['app.kubernetes.io/managed-by'], 'purser');
    assert.equal(decodeSecret(created.data).auths[ecr.address]?.password, 'ecr-token-1');

    created.metadata.labels = { ...created.metadata.labels, team: 'ci' };
    api.conflictNextPut = true;
    assert.match(await target.write([{ ...ecr, secret: 'ecr-token-2' }]), /replaced/);
    const replaced = api.secrets.get('builds/regcred')!;
    assert.equal(decodeSecret(replaced.data).auths[ecr.address]?.password, 'ecr-token-2');
    assert.equal(replaced.metadata.labels?.team, 'ci', 'labels set by others are kept');
    assert.deepEqual(
      api.calls.filter((c) => c.startsWith('PUT')).length,
      2,
      'the first PUT met a 409 and was retried after a fresh GET',
    );
  });

  test('a Secret of another type is left alone; a wrong token is refused', async () => {
    api.secrets.set('builds/opaque', {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'opaque', namespace: 'builds', resourceVersion: '1' },
      type: 'Opaque',
      data: {},
    });
    await assert.rejects(
      new K8sSecretApiTarget({ kubeconfig, name: 'opaque' }).write([ecr]),
      /has type Opaque/,
    );
    writeFileSync(join(dir, 'token'), 'expired-token\n');
    try {
      await assert.rejects(
        new K8sSecretApiTarget({ kubeconfig, name: 'regcred' }).write([ecr]),
        /refused to read the Secret: HTTP 401/,
      );
    } finally {
      writeFileSync(join(dir, 'token'), 'sa-token\n');
    }
  });

  test('an API server that does not answer fails within the client’s deadline', async () => {
    api.stallMs = 3_000;
    try {
      const client = new KubeSecretClient(loadKubeconfig(kubeconfig), 300);
      const started = Date.now();
      await assert.rejects(client.get('builds', 'regcred'), /did not answer within 300 ms/);
      assert.ok(Date.now() - started < 2_000, 'the deadline cut the call short');
    } finally {
      api.stallMs = 0;
    }
  });

  test('over HTTPS with the kubeconfig’s certificate-authority-data', async (t) => {
    if (!requireBinary(t, 'openssl')) return;
    const cert = await selfSignedCertificate(dir, {
      commonName: '127.0.0.1',
      subjectAltName: 'IP:127.0.0.1',
      name: 'api',
    });
    const secure = await startFakeKubeApi({ token: 'sa-token', tls: cert });
    try {
      const file = join(dir, 'kubeconfig-tls');
      const ca = readFileSync(cert.certFile).toString('base64');
      const config = (cluster: Record<string, unknown>) =>
        YAML.stringify({
          'current-context': 'ci',
          clusters: [{ name: 'tls', cluster: { server: secure.url, ...cluster } }],
          users: [{ name: 'u', user: { token: 'sa-token' } }],
          contexts: [{ name: 'ci', context: { cluster: 'tls', user: 'u' } }],
        });
      writeFileSync(file, config({}));
      await assert.rejects(
        new K8sSecretApiTarget({ kubeconfig: file, name: 'regcred' }).write([ecr]),
        /certificate we do not trust/,
      );
      writeFileSync(file, config({ 'certificate-authority-data': ca }));
      assert.match(
        await new K8sSecretApiTarget({ kubeconfig: file, name: 'regcred' }).write([ecr]),
        /default\/regcred created/,
      );
    } finally {
      await secure.close();
    }
  });
});

test('watch: a config.json holding a 4-second token is rewritten at each half-life', async () => {
  const google = await startFakeGoogle({ lifetimeSeconds: 4 });
  const cache = new MintedTokenCache();
  const provider = new GcpTokenProvider({ keyJson: google.serviceAccount.json });
  const file = join(tempDir('purser-refresh-watch-'), 'config.json');
  const reports: RefreshReport[] = [];
  const scheduler = new RefreshScheduler(
    [
      {
        target: new DockerConfigTarget(file),
        resolve: async () => {
          const token = await cache.get('gcp:ci', provider);
          return [
            {
              credential: {
                address: 'europe-docker.pkg.dev',
                username: token.username,
                secret: token.password,
                kind: 'gcp',
              },
              expiresAt: token.expiresAt,
              refreshAt: token.refreshAt,
            },
          ];
        },
      },
    ],
    { onReport: (r) => reports.push(r) },
  );
  const passwords = () => {
    const auth = JSON.parse(readFileSync(file, 'utf8')).auths['europe-docker.pkg.dev'].auth as string;
    return Buffer.from(auth, 'base64').toString('utf8').split(':')[1];
  };
  const waitFor = async <T>(read: () => T | undefined, ms: number): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = read();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error('timed out waiting for the target');
      await sleep(50);
    }
  };
  try {
    scheduler.start();
    const first = await waitFor(() => (reports.length > 0 ? passwords() : undefined), 5_000);
    const firstAt = Date.now();
    const second = await waitFor(() => {
      const current = passwords();
      return current !== first ? current : undefined;
    }, 6_000);
    assert.ok(Date.now() - firstAt >= 1_000, 'rewritten at the half-life, not at once');
    assert.notEqual(second, first);
    assert.ok(reports.every((r) => r.outcome === 'written'));
    for (const r of reports) assert.ok(r.nextAt! <= r.expiresAt! - 1.5, 'due again by half-life');
  } finally {
    scheduler.stop();
    cache.close();
    await google.close();
  }
});
