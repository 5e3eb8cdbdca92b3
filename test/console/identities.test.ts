/**
 * The console's Identities forms in Debian's Chromium against a real `purser serve` and a real
 * docker-registry trusting its tokens: an administrator adds a group, adds and edits an app,
 * adds a service (its secret shown once, and it works) and edits it, edits a user's groups and
 * privileges, and regenerates a robot's secret, whose ready-made podman auth.json skopeo then
 * uses (the old secret stops working). A developer sees none of these forms, and the server
 * refuses the same requests made with the developer's own session. axe-core runs on the forms.
 *
 * PURSER_SCREENSHOTS=DIR saves a screenshot of the forms there (docs/console/ is made so).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse } from 'yaml';
import { hasBinary } from '../support/binaries.ts';
import { axeViolations, describeViolations, launchChromium } from '../support/browser.ts';
import { makeOciImage } from '../support/oci-image.ts';
import { freePort } from '../support/ports.ts';
import { describeResult } from '../support/proc.ts';
import { type PurserServer, purserCli, startPurser } from '../support/purser.ts';
import { type Registry, startRegistry } from '../support/registry.ts';
import { skopeo } from '../support/skopeo.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const SERVICE = 'registry.test';
const ADMIN_PASSWORD = 'admin-pw-for-identities';
const REQUIRED = ['chromium', 'docker-registry', 'skopeo'];
const missing = REQUIRED.filter((name) => !hasBinary(name));
if (missing.length > 0 && process.env.CI)
  throw new Error(
    `the console tests need ${missing.join(', ')} (CI is set): run scripts/install-test-deps.sh`,
  );
if (missing.length > 0)
  process.stderr.write(`# skip console identities tests: ${missing.join(', ')} not installed\n`);

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the Identities forms in a browser', { skip: missing.length > 0, timeout: 240_000 }, () => {
  let dir: string;
  let purser: PurserServer | undefined;
  let registry: Registry | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let oldRobotSecret: string;
  const shots = process.env.PURSER_SCREENSHOTS;

  const api = async (method: string, path: string, body?: unknown, auth = basic('admin', ADMIN_PASSWORD)) => {
    const response = await fetch(`${purser!.url}${path}`, {
      method,
      headers: {
        authorization: auth,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  };
  const axe = async (what: string) => {
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `axe on ${what}:\n${describeViolations(violations)}`);
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, `${what}.png`), fullPage: true });
    }
  };
  const signIn = async (username: string, password: string) => {
    await page.goto(`${purser!.url}/console/`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
  };
  const row = (name: string) =>
    page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const cell = (name: string, text: string) =>
    row(name).getByRole('cell', { name: text, exact: true }).waitFor();

  before(async () => {
    dir = tempDir('purser-console-identities-');
    const [purserPort, registryPort] = [await freePort(), await freePort()];
    const configFile = join(dir, 'purser.yaml');
    writeFileSync(
      configFile,
      `listen: 127.0.0.1:${purserPort}
data: ${join(dir, 'data')}
public_url: http://127.0.0.1:${purserPort}
groups:
  - { name: dev, id: 10 }
users:
  - { name: dave, id: 1, password: dave-password, groups: [dev], privileges: [puller] }
registries:
  - { service: ${SERVICE}, url: http://127.0.0.1:${registryPort}, insecure: true, publications: [dev], responsibles: [dev] }
`,
    );
    const env = { PURSER_ADMIN_PASSWORD: ADMIN_PASSWORD };
    purser = await startPurser({ configFile, env });
    const bundle = join(dir, 'bundle.pem');
    const rendered = await purserCli(
      ['--config', configFile, 'registry', 'config', SERVICE, '--format', 'distribution'].concat([
        '--rootcertbundle',
        bundle,
        '--bundle-out',
        bundle,
      ]),
      { env },
    );
    assert.equal(rendered.code, 0, describeResult(rendered));
    const distribution = parse(rendered.stdout) as Record<string, unknown>;
    registry = await startRegistry({
      port: registryPort,
      extraYaml: { auth: distribution.auth } as Record<string, unknown>,
    });
    const image = await makeOciImage(join(dir, 'oci'), 'web', 'the web image');
    const pushed = await skopeo([
      'copy',
      '--dest-creds',
      `admin:${ADMIN_PASSWORD}`,
      image.ref,
      `docker://${registry.host}/team/web:v1`,
    ]);
    assert.equal(pushed.code, 0, describeResult(pushed));
    const robot = await api('POST', '/api/v1/robots', {
      name: 'ci+regen',
      permission: 'read',
      repositories: ['team/*'],
    });
    assert.equal(robot.status, 201, JSON.stringify(robot.body));
    oldRobotSecret = (robot.body as { secret: string }).secret;

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  });

  after(async () => {
    await browser?.close();
    await registry?.stop();
    await purser?.stop();
    if (dir) removeTempDir(dir);
  });

  test('an administrator adds a group, and adds and edits an app', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Identities' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    const addGroup = page.getByRole('form', { name: 'Add group' });
    await addGroup.getByLabel('Group name').fill('qa');
    await addGroup.getByRole('button', { name: 'Add group' }).click();
    await page.getByRole('region', { name: 'Groups' }).getByText('qa', { exact: true }).waitFor();

    const addApp = page.getByRole('form', { name: 'Add app' });
    await addApp.getByLabel('App name').fill('shop');
    await addApp.getByLabel(/^Publications/).fill('qa');
    await addApp.getByLabel(/^Responsibles/).fill('dev');
    await addApp.getByRole('button', { name: 'Add app' }).click();
    await cell('shop', 'qa');
    await row('shop').getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit app' });
    assert.equal(await edit.getByLabel(/^Publications/).inputValue(), 'qa', 'the form starts from the app');
    await edit.getByLabel(/^Publications/).fill('qa, dev');
    await axe('identities-edit-app');
    await edit.getByRole('button', { name: 'Save' }).click();
    await cell('shop', 'qa, dev');
    const shop = await api('GET', '/api/v1/apps/shop');
    assert.deepEqual((shop.body as { publications: string[] }).publications.sort(), ['dev', 'qa']);
    assert.deepEqual((shop.body as { responsibles: string[] }).responsibles, ['dev']);
  });

  test('an administrator adds a service (its secret works) and edits it', async () => {
    const add = page.getByRole('form', { name: 'Add service' });
    await add.getByLabel('Service name').fill('shop-web');
    await add.getByLabel('App').selectOption('shop');
    await add.getByRole('button', { name: 'Add service' }).click();
    await page.getByRole('region', { name: 'Secret of shop-web' }).waitFor();
    const secret = await page.getByLabel('Service secret').inputValue();
    const me = await api('GET', '/api/v1/me', undefined, basic('shop-web', secret));
    assert.equal(me.status, 200, JSON.stringify(me.body));
    await cell('shop-web', 'shop');
    await row('shop-web').getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit service' });
    await edit.getByLabel('Disabled').check();
    await axe('identities-edit-service');
    await edit.getByRole('button', { name: 'Save' }).click();
    await cell('shop-web', 'Disabled');
    const refused = await api('GET', '/api/v1/me', undefined, basic('shop-web', secret));
    assert.equal(refused.status, 401, 'a disabled service cannot authenticate');
  });

  test("an administrator edits a user's groups and privileges", async () => {
    await row('dave').getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit user' });
    const groups = edit.getByLabel('Groups (comma-separated; missing ones are created)');
    assert.equal(await groups.inputValue(), 'dev');
    await groups.fill('dev, qa');
    assert.equal(await edit.getByLabel('puller').isChecked(), true, 'the form starts from the user');
    assert.equal(await edit.getByLabel('pusher').isChecked(), false);
    await edit.getByLabel('pusher').check();
    await axe('identities-edit-user');
    await edit.getByRole('button', { name: 'Save' }).click();
    await cell('dave', 'dev, qa');
    const dave = await api('GET', '/api/v1/users/dave');
    assert.deepEqual((dave.body as { groups: string[] }).groups, ['dev', 'qa']);
    assert.deepEqual((dave.body as { privileges: string[] }).privileges.sort(), [
      'DockerRegistriesPuller',
      'DockerRegistriesPusher',
    ]);
    await row('dave')
      .getByRole('cell', { name: /Pusher/ })
      .waitFor();
    await cell('dave', 'local');
  });

  test("regenerating a robot's secret shows the ready-made configurations; skopeo uses one", async () => {
    await row('ci+regen').getByRole('button', { name: 'Regenerate secret' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByLabel('Registry address for the configurations').fill(registry!.host);
    await axe('identities-regenerate-robot');
    await dialog.getByRole('button', { name: 'Regenerate' }).click();
    await page.getByRole('heading', { name: 'Secret of ci+regen' }).waitFor();
    const secret = await page.getByLabel('Robot secret').inputValue();
    assert.notEqual(secret, oldRobotSecret);
    for (const name of ['Docker config.json', 'Kubernetes Secret', 'podman auth.json'])
      await page.getByText(name, { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Download Mesos docker.tar.gz' }).waitFor();
    assert.ok((await page.getByText(/^rkt /).count()) >= 1, 'the rkt auth.d files');
    await page.getByText('podman auth.json', { exact: true }).click();
    const authJson = (await page.locator('details[open] pre').textContent()) ?? '';
    const authfile = join(dir, 'regenerated-auth.json');
    writeFileSync(authfile, authJson);
    const inspect = await skopeo([
      'inspect',
      '--authfile',
      authfile,
      `docker://${registry!.host}/team/web:v1`,
    ]);
    assert.equal(inspect.code, 0, describeResult(inspect));
    const old = await skopeo([
      'inspect',
      '--creds',
      `ci+regen:${oldRobotSecret}`,
      `docker://${registry!.host}/team/web:v1`,
    ]);
    assert.notEqual(old.code, 0, 'the previous secret stopped working');
    await axe('identities-robot-secret');
  });

  test('a developer sees no identity forms, and the server refuses them anyway', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn('dave', 'dave-password');
    await page.goto(`${purser!.url}/console/identities`);
    await page.getByRole('heading', { name: 'Identities', level: 1 }).waitFor();
    await page.getByRole('alert').first().waitFor();
    for (const form of ['Add user', 'Edit user', 'Add group', 'Add app', 'Add service', 'Create robot'])
      assert.equal(await page.getByRole('form', { name: form }).count(), 0, `no "${form}" form`);
    assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
    assert.equal(await page.getByRole('button', { name: 'Regenerate secret' }).count(), 0);
    // The same requests with the developer's own session and CSRF token.
    const requests: [string, string, unknown][] = [
      ['POST', '/api/v1/groups', { name: 'dave-group' }],
      ['PATCH', '/api/v1/apps/shop', { publications: ['dev'] }],
      ['PATCH', '/api/v1/users/dave', { privileges: ['puller', 'pusher', 'manager'] }],
      ['POST', '/api/v1/services', { name: 'dave-service' }],
      ['POST', '/api/v1/robots/ci+regen/regenerate', undefined],
    ];
    // No named functions inside: the page has no helpers of the test's compiler.
    const refused = await page.evaluate(async (list) => {
      const session = (await (
        await fetch('/api/v1/session', { headers: { 'x-purser-console': '1' } })
      ).json()) as { csrfToken: string };
      const statuses: number[] = [];
      for (const [method, path, body] of list) {
        const response = await fetch(path, {
          method,
          headers: {
            'x-purser-console': '1',
            'x-purser-csrf': session.csrfToken,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        statuses.push(response.status);
      }
      return statuses;
    }, requests);
    assert.deepEqual(refused, [403, 403, 403, 403, 403]);
    const groups = await api('GET', '/api/v1/groups');
    assert.doesNotMatch(JSON.stringify(groups.body), /dave-group/);
  });
});
