/**
 * deploy/: every file parses, the Purser configurations in it pass Purser's own validation, and
 * the pieces are wired to each other (ports, volumes, probes, secrets, selectors). The systemd
 * unit passes `systemd-analyze verify` where systemd-analyze is installed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { findBinary } from '../support/binaries.ts';
import { describeResult, run } from '../support/proc.ts';
import { REPO_ROOT } from '../support/purser.ts';
import { tempDir } from '../support/temp.ts';

const DEPLOY = path.join(REPO_ROOT, 'deploy');
const read = (file: string) => fs.readFileSync(path.join(DEPLOY, file), 'utf8');

// biome-ignore lint/suspicious/noExplicitAny: walking untyped manifests
type Doc = any;

describe('deploy/compose.yaml', () => {
  const compose: Doc = parseYaml(read('compose.yaml'));
  const services = compose.services;
  const purserConfig = parseConfig(read('compose/purser.yaml'), path.join(DEPLOY, 'compose/purser.yaml'), {});

  test('a registry, nginx and Purser, with the setup step between them', () => {
    assert.deepEqual(Object.keys(services).sort(), ['nginx', 'purser', 'purser-setup', 'registry']);
    assert.equal(services['purser-setup'].depends_on.purser.condition, 'service_healthy');
    for (const name of ['registry', 'nginx'])
      assert.equal(services[name].depends_on['purser-setup'].condition, 'service_completed_successfully');
    assert.equal(services.purser.build.dockerfile, 'Containerfile');
    assert.ok(fs.existsSync(path.join(DEPLOY, services.purser.build.context, 'Containerfile')));
  });

  test('Purser keeps its state in a volume, reads the mounted configuration, and checks /healthz', () => {
    assert.equal(services.purser.read_only, true);
    assert.ok(services.purser.volumes.includes('purser-data:/var/lib/purser'));
    assert.ok(services.purser.volumes.includes('./compose/purser.yaml:/etc/purser/purser.yaml:ro'));
    assert.equal(purserConfig.dataDir, '/var/lib/purser');
    const health = services.purser.healthcheck.test.join(' ');
    assert.ok(health.includes(`http://${purserConfig.listen.host}:${purserConfig.listen.port}/healthz`));
  });

  test('the registry trusts the bundle the setup step writes, and sends clients to Purser', () => {
    const registry = services.registry.environment;
    const service = purserConfig.declared.registries?.[0]?.service;
    assert.equal(registry.REGISTRY_AUTH_TOKEN_SERVICE, service);
    assert.equal(registry.REGISTRY_AUTH_TOKEN_ISSUER, purserConfig.token.issuer);
    assert.equal(registry.REGISTRY_AUTH_TOKEN_REALM, `${purserConfig.publicUrl}/token`);
    // The bundle path inside the registry container is in the `trust` volume, as the setup writes it.
    const trustMount = services.registry.volumes.find((v: string) => v.startsWith('trust:'));
    const registryTrustDir = trustMount.split(':')[1];
    assert.equal(path.dirname(registry.REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE), registryTrustDir);
    const setup = services['purser-setup'].command.join(' ');
    assert.ok(services['purser-setup'].volumes.includes('trust:/trust'));
    assert.match(
      setup,
      new RegExp(
        `registry config ${service} --format bundle\\s*> /trust/${path.basename(registry.REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE)}`,
      ),
    );
    // The registry the configuration declares is the one Purser's nginx block forwards to.
    const registryUrl = new URL(purserConfig.declared.registries?.[0]?.url ?? '');
    assert.equal(registry.REGISTRY_HTTP_ADDR, registryUrl.host);
  });

  test('nginx serves the server block Purser writes', () => {
    const setup = services['purser-setup'].command.join(' ');
    assert.match(
      setup,
      /registry config registry\.local --format nginx\s+--listen 127\.0\.0\.1:8080 > \/trust\/registry\.conf/,
    );
    assert.ok(services.nginx.volumes.includes('trust:/etc/nginx/conf.d:ro'));
    for (const name of Object.keys(services)) assert.equal(services[name].network_mode, 'host', name);
  });
});

describe('deploy/kubernetes', () => {
  const dir = path.join(DEPLOY, 'kubernetes');
  const kustomization: Doc = parseYaml(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8'));
  const docs: Doc[] = (kustomization.resources as string[]).flatMap((file) =>
    parseAllDocuments(fs.readFileSync(path.join(dir, file), 'utf8')).map((d) => {
      assert.deepEqual(d.errors, [], file);
      return d.toJS();
    }),
  );
  const byKind = (kind: string): Doc => {
    const found = docs.filter((d) => d.kind === kind);
    assert.equal(found.length, 1, `one ${kind}`);
    return found[0];
  };

  test('lists every manifest in the directory', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    assert.deepEqual([...kustomization.resources].sort(), files.sort());
  });

  test('a Deployment of 2 replicas probing /healthz and /readyz, hardened', () => {
    const deployment = byKind('Deployment');
    assert.equal(deployment.spec.replicas, 2);
    const pod = deployment.spec.template;
    assert.deepEqual(pod.metadata.labels, deployment.spec.selector.matchLabels);
    const [container] = pod.spec.containers;
    const port = container.ports.find((p: Doc) => p.name === 'http');
    assert.equal(port.containerPort, 5001);
    assert.deepEqual(container.livenessProbe.httpGet, { path: '/healthz', port: 'http' });
    assert.deepEqual(container.readinessProbe.httpGet, { path: '/readyz', port: 'http' });
    assert.equal(container.securityContext.readOnlyRootFilesystem, true);
    assert.equal(container.securityContext.allowPrivilegeEscalation, false);
    assert.equal(pod.spec.securityContext.runAsNonRoot, true);
    const mounts = Object.fromEntries(container.volumeMounts.map((m: Doc) => [m.mountPath, m.name]));
    assert.equal(mounts['/etc/purser'], 'config');
    assert.equal(mounts['/var/lib/purser'], 'data');
  });

  test('the master key and the database password come from the Secret', () => {
    const deployment = byKind('Deployment');
    const secret = byKind('Secret');
    const env = Object.fromEntries(
      deployment.spec.template.spec.containers[0].env.map((e: Doc) => [e.name, e.valueFrom?.secretKeyRef]),
    );
    for (const name of ['PURSER_MASTER_KEY', 'PGPASSWORD', 'PURSER_ADMIN_PASSWORD']) {
      assert.equal(env[name]?.name, secret.metadata.name, name);
      assert.ok(env[name].key in secret.stringData, `${name}: the Secret has ${env[name].key}`);
    }
  });

  test('the ConfigMap is a valid Purser configuration on PostgreSQL, listening on the container port', () => {
    const configMap = byKind('ConfigMap');
    const deployment = byKind('Deployment');
    assert.equal(
      deployment.spec.template.spec.volumes.find((v: Doc) => v.name === 'config').configMap.name,
      configMap.metadata.name,
    );
    const config = parseConfig(configMap.data['purser.yaml'], '/etc/purser/purser.yaml', {});
    assert.match(config.databaseUrl ?? '', /^postgres:\/\//);
    assert.doesNotMatch(config.databaseUrl ?? '', /:[^@/]*@/, 'no password in the ConfigMap');
    assert.equal(config.listen.port, 5001);
    assert.equal(config.dataDir, '/var/lib/purser');
  });

  test('the Service and the PodDisruptionBudget select the pods', () => {
    const labels = byKind('Deployment').spec.template.metadata.labels;
    const service = byKind('Service');
    assert.deepEqual(service.spec.selector, labels);
    assert.equal(service.spec.ports[0].targetPort, 'http');
    const pdb = byKind('PodDisruptionBudget');
    assert.deepEqual(pdb.spec.selector.matchLabels, labels);
    assert.equal(pdb.spec.minAvailable, 1);
  });
});

describe('deploy/image/purser.yaml', () => {
  test("is the image's valid configuration: every address, the volume", () => {
    const config = parseConfig(read('image/purser.yaml'), '/etc/purser/purser.yaml', {});
    assert.deepEqual(config.listen, { host: '0.0.0.0', port: 5001 });
    assert.equal(config.dataDir, '/var/lib/purser');
    assert.match(
      fs.readFileSync(path.join(REPO_ROOT, 'Containerfile'), 'utf8'),
      /COPY deploy\/image\/purser\.yaml \/etc\/purser\/purser\.yaml/,
    );
  });
});

describe('deploy/purser.service', () => {
  const unit = read('purser.service');
  const settings = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);

  test('runs as a dynamic user with its state directory, the file system read-only', () => {
    assert.deepEqual(settings('DynamicUser'), ['yes']);
    assert.deepEqual(settings('ProtectSystem'), ['strict']);
    assert.deepEqual(settings('StateDirectory'), ['purser']);
    assert.deepEqual(settings('NoNewPrivileges'), ['yes']);
    assert.deepEqual(settings('CapabilityBoundingSet'), ['']);
    assert.ok(settings('Environment').includes('PURSER_DATA=/var/lib/purser'));
    assert.match(settings('ExecStart')[0] ?? '', /purser serve --config \/etc\/purser\/purser\.yaml$/);
  });

  test('passes systemd-analyze verify', async (t) => {
    const analyze = findBinary('systemd-analyze');
    if (!analyze) {
      t.skip('systemd-analyze is not installed');
      return;
    }
    // verify checks that ExecStart exists: point it at this checkout's command.
    const copy = path.join(tempDir('purser-unit-'), 'purser.service');
    fs.writeFileSync(copy, unit.replace(/\/usr\/local\/bin\/purser/g, path.join(REPO_ROOT, 'bin/purser.js')));
    const verified = await run(analyze, ['verify', copy]);
    assert.equal(verified.code, 0, describeResult(verified));
    const about = `${verified.stdout}${verified.stderr}`
      .split('\n')
      .filter((line) => line.includes('purser.service'));
    assert.deepEqual(about, [], 'no warning about the unit');
  });
});
