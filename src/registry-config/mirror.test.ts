/** The mirror's Distribution config and the client sides, as text the consumers read. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import YAML from 'yaml';
import {
  renderContainerdHostsToml,
  renderDaemonJson,
  renderMirrorConfig,
  renderMirrorDistributionConfig,
  renderRegistriesConf,
} from './mirror.ts';

const input = {
  upstream: 'docker.io',
  listen: '127.0.0.1:5003',
  credential: { username: 'hubuser', password: 'hub-pat' },
  tokenAuth: {
    realm: 'https://purser.example/token',
    service: 'mirror.example',
    issuer: 'purser',
    rootcertbundle: '/etc/docker/registry/purser-bundle.pem',
  },
};

test('Distribution proxy mode: remoteurl, upstream credential, token auth through Purser', () => {
  const text = renderMirrorDistributionConfig(input);
  assert.match(text, /^# Distribution 2\.8 pull-through mirror of docker\.io/);
  assert.match(text, /chmod 600/);
  const config = YAML.parse(text);
  assert.deepEqual(config.proxy, {
    remoteurl: 'https://registry-1.docker.io',
    username: 'hubuser',
    password: 'hub-pat',
  });
  assert.deepEqual(config.auth.token, input.tokenAuth);
  assert.equal(config.http.addr, '127.0.0.1:5003');
  assert.equal(config.storage.delete.enabled, true);
  const other = YAML.parse(renderMirrorDistributionConfig({ upstream: 'quay.io', listen: '0.0.0.0:5004' }));
  assert.deepEqual(other.proxy, { remoteurl: 'https://quay.io' });
  assert.equal(other.auth, undefined);
  assert.equal(config.http.debug, undefined, 'no debug server unless asked');
  const counted = YAML.parse(renderMirrorDistributionConfig({ ...input, debugListen: '127.0.0.1:5004' }));
  assert.deepEqual(counted.http.debug, { addr: '127.0.0.1:5004' });
});

test('client sides: daemon.json (Docker Hub only), containerd hosts.toml, registries.conf', () => {
  assert.equal(renderDaemonJson(input), '{\n  "registry-mirrors": [\n    "http://127.0.0.1:5003"\n  ]\n}\n');
  assert.equal(renderDaemonJson({ ...input, upstream: 'quay.io' }), undefined);
  assert.equal(
    renderContainerdHostsToml({ ...input, publicUrl: 'https://mirror.example' }),
    [
      '# /etc/containerd/certs.d/docker.io/hosts.toml (config_path = "/etc/containerd/certs.d")',
      'server = "https://registry-1.docker.io"',
      '',
      '[host."https://mirror.example"]',
      '  capabilities = ["pull", "resolve"]',
      '',
    ].join('\n'),
  );
  const conf = renderRegistriesConf(input);
  assert.match(conf, /\[\[registry\]\]\nprefix = "docker\.io"\nlocation = "docker\.io"/);
  assert.match(conf, /\[\[registry\.mirror\]\]\nlocation = "127\.0\.0\.1:5003"\ninsecure = true/);
  assert.doesNotMatch(renderRegistriesConf({ ...input, publicUrl: 'https://mirror.example' }), /insecure/);
  const all = renderMirrorConfig({ ...input, listen: '0.0.0.0:5003', publicUrl: 'http://mirror.lan:5003' });
  assert.match(all, /dockerd sends Docker Hub's credentials/);
  assert.match(all, /serve it over TLS/);
});
