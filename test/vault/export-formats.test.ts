/**
 * `purser export FORMAT`, each output read the way its consumer reads it: docker and skopeo use
 * the exported files against a password-protected registry, kubectl makes the reference Secret,
 * tar lists the Mesos archive, Butane YAML is parsed as YAML 1.1 and its sha512 verified, the
 * Gantry file goes through Gantry's own `read -r` loop in bash.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import SQLite from 'better-sqlite3';
import YAML from 'yaml';
import { hasBinary, requireBinaries, requireBinary } from '../support/binaries.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { describeResult, run } from '../support/proc.ts';
import { type Registry, startRegistry, writeHtpasswd } from '../support/registry.ts';
import { docker, skopeo } from '../support/skopeo.ts';
import { tempDir } from '../support/temp.ts';
import { type VaultFixture, vaultFixture } from './vault-fixture.ts';

const USER = 'bob';
const PASSWORD = 'pa$$w0rd<&>"x';
const HUB_USER = 'hubuser';
const HUB_PASSWORD = 'hub-token-123';

describe('purser export', { timeout: 240_000 }, () => {
  let vault: VaultFixture;
  let registry: Registry | undefined;
  let image = '';

  before(async () => {
    vault = vaultFixture();
    if (hasBinary('docker-registry') && hasBinary('skopeo')) {
      const dir = tempDir('purser-htpasswd-');
      writeHtpasswd(join(dir, 'htpasswd'), { [USER]: PASSWORD });
      registry = await startRegistry({ auth: { htpasswd: { path: join(dir, 'htpasswd') } } });
      const oci = await makeOciImage(join(tempDir('purser-oci-'), 'l'), 'v1', 'export formats');
      image = `${registry.host}/fmt/app:v1`;
      const push = await skopeo([
        'copy',
        '--dest-creds',
        `${USER}:${PASSWORD}`,
        oci.ref,
        `docker://${image}`,
      ]);
      assert.equal(push.code, 0, describeResult(push));
    }
    const address = registry?.host ?? '127.0.0.1:5999';
    const a = await vault.cli(
      ['vault', 'add', address, '--username', USER, '--password-stdin', '--email', 'bob@example.com'],
      PASSWORD,
    );
    assert.equal(a.code, 0, describeResult(a));
    const b = await vault.cli(
      ['vault', 'add', 'index.docker.io', '--username', HUB_USER, '--password-stdin'],
      HUB_PASSWORD,
    );
    assert.equal(b.code, 0, describeResult(b));
  });

  after(async () => {
    await registry?.stop();
  });

  const address = () => registry?.host ?? '127.0.0.1:5999';

  test('docker-config: docker reads the exported config.json; merge keeps other keys and the mode', async (t) => {
    if (!requireBinaries(t, ['docker', 'docker-registry', 'skopeo'])) return;
    const configDir = tempDir('purser-dc-');
    const file = join(configDir, 'config.json');
    writeFileSync(
      file,
      JSON.stringify({
        auths: { 'other.example': { auth: 'eDp5' } },
        HttpHeaders: { 'X-Keep': '1' },
        credsStore: '',
      }),
      { mode: 0o640 },
    );
    const r = await vault.cli(['export', 'docker-config', '--out', file]);
    assert.equal(r.code, 0, describeResult(r));
    const config = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(statSync(file).mode & 0o777, 0o640);
    assert.deepEqual(config.HttpHeaders, { 'X-Keep': '1' });
    assert.equal(config.auths['other.example'].auth, 'eDp5');
    assert.equal(
      Buffer.from(config.auths['https://index.docker.io/v1/'].auth, 'base64').toString(),
      `${HUB_USER}:${HUB_PASSWORD}`,
    );
    const inspect = await docker(['manifest', 'inspect', '--insecure', image], { configDir });
    assert.equal(inspect.code, 0, describeResult(inspect));

    const helperFile = join(tempDir('purser-dch-'), 'config.json');
    const h = await vault.cli(['export', 'docker-config', '--helper', '--out', helperFile]);
    assert.equal(h.code, 0, describeResult(h));
    const helperConfig = JSON.parse(readFileSync(helperFile, 'utf8'));
    assert.deepEqual(helperConfig.credHelpers, {
      [address()]: 'purser',
      'https://index.docker.io/v1/': 'purser',
    });
    assert.deepEqual(helperConfig.auths, {}, 'helper mode writes no secret');
    assert.equal(statSync(helperFile).mode & 0o777, 0o600);
  });

  test('podman-auth: skopeo copies with the exported auth.json (Docker Hub as docker.io)', async (t) => {
    if (!requireBinaries(t, ['docker-registry', 'skopeo'])) return;
    const r = await vault.cli(['export', 'podman-auth']);
    assert.equal(r.code, 0, describeResult(r));
    const auth = JSON.parse(r.stdout);
    assert.ok(auth.auths['docker.io'], 'Docker Hub under docker.io');
    const authfile = join(tempDir('purser-pa-'), 'auth.json');
    writeFileSync(authfile, r.stdout);
    const copy = await skopeo(
      ['copy', `docker://${image}`, `oci:${join(tempDir('purser-pa-out-'), 'o')}:v1`],
      { authfile },
    );
    assert.equal(copy.code, 0, describeResult(copy));
  });

  test('k8s-secret: same content as kubectl create secret docker-registry', async (t) => {
    if (!requireBinary(t, 'kubectl')) return;
    const ours = await vault.cli([
      'export',
      'k8s-secret',
      '--name',
      'regcred',
      '--namespace',
      'apps',
      '--registry',
      address(),
      '--output',
      'json',
    ]);
    assert.equal(ours.code, 0, describeResult(ours));
    const reference = await run('kubectl', [
      'create',
      'secret',
      'docker-registry',
      'regcred',
      '--namespace',
      'apps',
      `--docker-server=${address()}`,
      `--docker-username=${USER}`,
      `--docker-password=${PASSWORD}`,
      '--docker-email=bob@example.com',
      '--dry-run=client',
      '-o',
      'json',
    ]);
    assert.equal(reference.code, 0, describeResult(reference));
    assert.deepEqual(JSON.parse(ours.stdout), JSON.parse(reference.stdout));
    assert.equal(ours.stdout, reference.stdout, 'byte-identical JSON');

    const hub = await vault.cli([
      'export',
      'k8s-secret',
      '--name',
      'hub',
      '--registry',
      'docker.io',
      '--output',
      'json',
    ]);
    const hubRef = await run('kubectl', [
      'create',
      'secret',
      'docker-registry',
      'hub',
      `--docker-username=${HUB_USER}`,
      `--docker-password=${HUB_PASSWORD}`,
      '--dry-run=client',
      '-o',
      'json',
    ]);
    assert.deepEqual(JSON.parse(hub.stdout), JSON.parse(hubRef.stdout));

    const yaml = await vault.cli([
      'export',
      'k8s-secret',
      '--name',
      'regcred',
      '--namespace',
      'apps',
      '--registry',
      address(),
    ]);
    const yamlRef = await run('kubectl', [
      'create',
      'secret',
      'docker-registry',
      'regcred',
      '--namespace',
      'apps',
      `--docker-server=${address()}`,
      `--docker-username=${USER}`,
      `--docker-password=${PASSWORD}`,
      '--docker-email=bob@example.com',
      '--dry-run=client',
      '-o',
      'yaml',
    ]);
    assert.deepEqual(YAML.parse(yaml.stdout), YAML.parse(yamlRef.stdout));

    const legacy = await vault.cli([
      'export',
      'k8s-secret',
      '--legacy',
      '--registry',
      address(),
      '--output',
      'json',
    ]);
    const secret = JSON.parse(legacy.stdout);
    assert.equal(secret.type, 'kubernetes.io/dockercfg');
    const cfg = JSON.parse(Buffer.from(secret.data['.dockercfg'], 'base64').toString());
    assert.equal(cfg[address()].username, USER);
    assert.equal(cfg.auths, undefined);
  });

  test('rkt: one auth.d file per registry', async () => {
    const dir = join(tempDir('purser-rkt-'), 'auth.d');
    const r = await vault.cli(['export', 'rkt', '--out', dir]);
    assert.equal(r.code, 0, describeResult(r));
    const files = readdirSync(dir).sort();
    assert.equal(files.length, 2);
    const bodies = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    for (const b of bodies) {
      assert.equal(b.rktKind, 'auth');
      assert.equal(b.rktVersion, 'v1');
      assert.equal(b.type, 'basic');
      assert.equal(Object.keys(b.credentials).sort().join(), 'password,user');
    }
    assert.deepEqual(bodies.map((b) => b.domains[0]).sort(), [address(), 'index.docker.io'].sort());
    assert.equal(bodies.find((b) => b.domains[0] === address()).credentials.password, PASSWORD);
  });

  test('mesos: tar lists .docker/ and .docker/config.json, and the config holds the auths', async (t) => {
    if (!requireBinary(t, 'tar')) return;
    const out = join(tempDir('purser-mesos-'), 'docker.tar.gz');
    const r = await vault.cli(['export', 'mesos', '--out', out]);
    assert.equal(r.code, 0, describeResult(r));
    const list = await run('tar', ['-tvzf', out]);
    assert.equal(list.code, 0, describeResult(list));
    const lines = list.stdout.trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^drwx------ root\/root\s+0 .* \.docker\/$/);
    assert.match(lines[1]!, /^-rw------- root\/root\s+\d+ .* \.docker\/config\.json$/);
    const sandbox = tempDir('purser-sandbox-');
    const x = await run('tar', ['-xzf', out, '-C', sandbox]);
    assert.equal(x.code, 0, describeResult(x));
    const config = JSON.parse(readFileSync(join(sandbox, '.docker', 'config.json'), 'utf8'));
    assert.equal(Buffer.from(config.auths[address()].auth, 'base64').toString(), `${USER}:${PASSWORD}`);
  });

  test('butane: YAML 1.1 parse, octal mode, inline content; remote source verified by sha512', async () => {
    const inline = await vault.cli(['export', 'butane']);
    assert.equal(inline.code, 0, describeResult(inline));
    const doc = YAML.parse(inline.stdout, { version: '1.1' });
    assert.equal(doc.variant, 'flatcar');
    assert.equal(doc.version, '1.1.0');
    const file = doc.storage.files[0];
    assert.equal(file.path, '/home/core/.docker/config.json');
    assert.equal(file.mode, 0o644);
    assert.equal(file.overwrite, true);
    const config = JSON.parse(file.contents.inline);
    assert.equal(
      Buffer.from(config.auths['https://index.docker.io/v1/'].auth, 'base64').toString(),
      `${HUB_USER}:${HUB_PASSWORD}`,
    );

    const dir = tempDir('purser-butane-');
    const content = join(dir, 'config.json');
    const remote = await vault.cli([
      'export',
      'butane',
      '--variant',
      'fcos',
      '--path',
      '/root/.docker/config.json',
      '--mode',
      '0600',
      '--source',
      'https://config.example.com/docker.json',
      '--content-out',
      content,
    ]);
    assert.equal(remote.code, 0, describeResult(remote));
    const rdoc = YAML.parse(remote.stdout, { version: '1.1' });
    assert.equal(rdoc.variant, 'fcos');
    const rfile = rdoc.storage.files[0];
    assert.equal(rfile.mode, 0o600);
    assert.equal(rfile.contents.source, 'https://config.example.com/docker.json');
    const served = readFileSync(content);
    assert.equal(
      rfile.contents.verification.hash,
      `sha512-${createHash('sha512').update(served).digest('hex')}`,
    );
    assert.ok(JSON.parse(served.toString()).auths[address()]);
  });

  test("gantry: lines parse with gantry's own read -r loop; whitespace secrets are refused", async (t) => {
    if (!requireBinary(t, 'bash')) return;
    const out = join(tempDir('purser-gantry-'), 'configs');
    const ok = await vault.cli(['export', 'gantry', '--configuration', '/cfg/one', '--out', out]);
    assert.equal(ok.code, 0, describeResult(ok));
    const script = `
      n=0
      while read -r LINE; do
        [ -z "$LINE" ] && continue
        case "$LINE" in \\#*) continue;; esac
        LINE=$(echo "$LINE" | tr '\\t' ' ')
        OTHERS=""
        read -r CONFIG HOST USER PASSWORD OTHERS <<< "$LINE"
        if [ -n "$OTHERS" ] || [ -z "$PASSWORD" ]; then echo "format error line $n"; exit 1; fi
        printf '%s|%s|%s|%s\\n' "$CONFIG" "$HOST" "$USER" "$PASSWORD"
      done < <(cat "$1"; echo;)`;
    const parsed = await run('bash', ['-c', script, 'gantry', out]);
    assert.equal(parsed.code, 0, describeResult(parsed));
    assert.deepEqual(
      parsed.stdout.trim().split('\n').sort(),
      [`/cfg/one|${address()}|${USER}|${PASSWORD}`, `/cfg/one|docker.io|${HUB_USER}|${HUB_PASSWORD}`].sort(),
    );

    const spaced = vaultFixture();
    await spaced.cli(['vault', 'add', 'quay.io', '--username', 'q', '--password-stdin'], 'has a space');
    const refused = await spaced.cli(['export', 'gantry']);
    assert.equal(refused.code, 2, describeResult(refused));
    assert.match(refused.stderr, /contains whitespace: gantry splits each line on spaces and tabs/);
  });

  test('rke2: registries.yaml configs.<host>.auth', async () => {
    const r = await vault.cli(['export', 'rke2']);
    assert.equal(r.code, 0, describeResult(r));
    const doc = YAML.parse(r.stdout);
    assert.deepEqual(doc.configs[address()].auth, { username: USER, password: PASSWORD });
    assert.deepEqual(doc.configs['docker.io'].auth, { username: HUB_USER, password: HUB_PASSWORD });
    assert.equal(doc.configs['docker.io'].auth.token, undefined);
  });

  test('export audits every secret read and honours --registry, deactivation and the allowlist', async () => {
    const local = vaultFixture();
    await local.cli(['vault', 'add', 'a.example', '--username', 'u', '--password-stdin'], 'pa');
    await local.cli(['vault', 'add', 'b.example', '--username', 'u', '--password-stdin'], 'pb');
    await local.cli(['vault', 'add', 'c.example', '--username', 'u', '--password-stdin'], 'pc');
    await local.cli(['vault', 'deactivate', 'b.example']);
    await local.cli(['vault', 'allow', 'a.example', 'b.example']);
    const all = JSON.parse((await local.cli(['export', 'podman-auth'])).stdout);
    assert.deepEqual(Object.keys(all.auths), ['a.example']);
    const named = await local.cli(['export', 'podman-auth', '--registry', 'b.example']);
    assert.equal(named.code, 4);
    assert.match(named.stderr, /registry b\.example is deactivated/);
    const notAllowed = await local.cli(['export', 'podman-auth', '--registry', 'c.example']);
    assert.equal(notAllowed.code, 4);
    assert.match(notAllowed.stderr, /registry c\.example is not in the allowlist of environment default/);
    // The reads are in the store's audit log, as `purser audit` shows it.
    const db = new SQLite(join(local.dataDir, 'purser.db'), { readonly: true });
    const log = db
      .prepare("select actor, outcome, target, details from audit_log where action = 'credential.read'")
      .all() as { outcome: string; target: string }[];
    db.close();
    assert.ok(
      log.some((e) => e.target === 'credential:default/a.example' && e.outcome === 'success'),
      JSON.stringify(log),
    );
    assert.ok(log.some((e) => e.target === 'credential:default/b.example' && e.outcome === 'denied'));
    assert.ok(!JSON.stringify(log).includes('"pa') && !JSON.stringify(log).includes('pb'));
    // The helper's fast path opens the store read-only: its reads go to <data>/audit/vault.jsonl.
    assert.equal((await local.helper('get', 'a.example')).code, 0);
    const helperLog = readFileSync(join(local.dataDir, 'audit', 'vault.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      helperLog.map((e) => [e.action, e.target, e.userAgent]),
      [['credential.read', 'credential:default/a.example', 'docker-credential-purser']],
    );
  });
});
