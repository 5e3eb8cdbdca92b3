/**
 * End to end with an OIDC identity source: a running `purser serve` with oidc-provider as the
 * identity provider, Debian's docker-registry trusting Purser's tokens, and skopeo. A person
 * logs in through the server (code flow with PKCE and a loopback redirect), the CLI secret they
 * get is what skopeo sends to push and pull, and it stops working when they are disabled, or
 * when they left the provider's groups and `purser identity sync` ran.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import YAML from 'yaml';
import { hasBinary, requireBinaries } from '../support/binaries.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { BrowserlessUser } from '../support/oidc-browser.ts';
import {
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  startOidcProvider,
  type TestProvider,
} from '../support/oidc-provider.ts';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { type Registry, startRegistry } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const SERVICE = 'registry.test';
const BINARIES = ['skopeo', 'docker-registry'];

describe('an OIDC CLI secret used by skopeo against a real registry', { concurrency: false }, () => {
  let work: string | undefined;
  let idp: TestProvider | undefined;
  let purser: PurserServer | undefined;
  let registry: Registry | undefined;
  let image: string;
  let configFile: string;
  const env: Record<string, string> = { PURSER_ADMIN_PASSWORD: 'admin-pw' };

  before(async () => {
    if (!BINARIES.every(hasBinary)) return;
    work = tempDir('purser-e2e-oidc-');
    idp = await startOidcProvider();
    const purserPort = await freePort();
    const registryPort = await freePort();
    configFile = path.join(work, 'purser.yaml');
    fs.writeFileSync(
      configFile,
      YAML.stringify({
        listen: `127.0.0.1:${purserPort}`,
        data: path.join(work, 'data'),
        public_url: `http://127.0.0.1:${purserPort}`,
        groups: [{ name: 'dev' }],
        registries: [
          {
            service: SERVICE,
            url: `http://127.0.0.1:${registryPort}`,
            insecure: true,
            publications: ['dev'],
            responsibles: ['dev'],
          },
        ],
        identity: {
          sources: [
            {
              name: 'sso',
              kind: 'oidc',
              issuer: idp.issuer,
              client_id: OIDC_CLIENT_ID,
              client_secret: OIDC_CLIENT_SECRET,
              groups: { 'registry-devs': 'dev' },
              privileges: { 'registry-devs': ['puller', 'pusher'] },
            },
          ],
        },
      }),
      { mode: 0o600 },
    );
    image = path.join(work, 'image');
    await makeOciImage(image, 'v1', 'hello from an OIDC user');
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
    await idp?.close();
    if (work) removeTempDir(work);
  });

  /** A login through the server (code flow with PKCE, loopback redirect): the CLI secret. */
  const ssoLogin = async (sub: string, expectedUser: string): Promise<string> => {
    const api = (step: string, body: object) =>
      fetch(`${purser!.url}/api/v1/identity/sso/${step}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const begun = (await (await api('begin', { redirect_uri: 'http://127.0.0.1:5996/callback' })).json()) as {
      handle: string;
      url: string;
    };
    const callback = await new BrowserlessUser(sub, idp!.issuer).authorize(new URL(begun.url));
    const finished = await api('finish', { handle: begun.handle, callback: callback.href });
    assert.equal(finished.status, 200, await finished.clone().text());
    const { user, secret } = (await finished.json()) as { user: string; secret: string };
    assert.equal(user, expectedUser);
    return secret;
  };
  const ref = (repository: string) => `docker://${registry!.host}/${repository}`;
  /** skopeo inspect until it fails (the server sees a change within its model poll, 2 s). */
  const refusedSoon = async (user: string, secret: string) => {
    let refused = await skopeo(['inspect', '--creds', `${user}:${secret}`, ref('team/web:v1')]);
    for (let i = 0; i < 10 && refused.code === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      refused = await skopeo(['inspect', '--creds', `${user}:${secret}`, ref('team/web:v1')]);
    }
    return refused;
  };

  test('log in through the provider, push and pull with the CLI secret, disabled: refused', async (t) => {
    if (!requireBinaries(t, BINARIES)) return;
    const secret = await ssoLogin('u-1001', 'dana');

    const push = await skopeo([
      'copy',
      '--dest-creds',
      `dana:${secret}`,
      `oci:${image}:v1`,
      ref('team/web:v1'),
    ]);
    assert.equal(push.code, 0, describeResult(push));
    const inspect = await skopeo(['inspect', '--creds', `dana:${secret}`, ref('team/web:v1')]);
    assert.equal(inspect.code, 0, describeResult(inspect));
    assert.equal(JSON.parse(inspect.stdout).Name, `${registry!.host}/team/web`);

    const disabled = await purserCli(['--config', configFile, 'user', 'disable', 'dana'], { env });
    assert.equal(disabled.code, 0, describeResult(disabled));
    // The secret is gone from the store.
    const refused = await refusedSoon('dana', secret);
    assert.notEqual(refused.code, 0, describeResult(refused));
    assert.ok(!`${refused.stdout}${refused.stderr}`.includes(secret));
  });

  test('left the provider groups: purser identity sync revokes the CLI secret skopeo sends', async (t) => {
    if (!requireBinaries(t, BINARIES)) return;
    const erin = idp!.accounts.get('u-1002')!;
    erin.groups = ['registry-devs'];
    const secret = await ssoLogin('u-1002', 'erin');
    const inspect = await skopeo(['inspect', '--creds', `erin:${secret}`, ref('team/web:v1')]);
    assert.equal(inspect.code, 0, describeResult(inspect));

    erin.groups = ['elsewhere'];
    const sync = await purserCli(['--config', configFile, 'identity', 'sync', '--source', 'sso'], { env });
    assert.equal(sync.code, 0, describeResult(sync));
    assert.match(sync.stdout, /^sso\s+erin\s+CLI secret revoked/m);
    assert.ok(!`${sync.stdout}${sync.stderr}`.includes(secret));
    const refused = await refusedSoon('erin', secret);
    assert.notEqual(refused.code, 0, describeResult(refused));
    assert.doesNotMatch(purser!.logs(), /pcs_|refresh_token":"/, 'no CLI secret or refresh token logged');
  });
});
