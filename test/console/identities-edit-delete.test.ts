/**
 * The Identities page's robot "Edit" form and "Delete" for groups, apps, services and robots, in
 * Debian's Chromium against a real `purser serve` and a real docker-registry trusting its tokens.
 * An administrator narrows a robot to another repository with another permission (skopeo with
 * its secret is then allowed there and denied where it was, and /token grants push), sees the
 * server refuse a past expiry for a new robot and a date it cannot read, and makes an existing
 * robot expire. Each deletion is confirmed in the in-page dialog and checked against the API; a
 * group an identity source maps to is refused there with the server's message. A developer sees
 * no Edit or Delete, and the server refuses the deletion with the developer's own session.
 * axe-core runs on the new form and dialogs.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
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
const ADMIN_PASSWORD = 'admin-pw-for-edit-delete';
const REQUIRED = ['chromium', 'docker-registry', 'skopeo'];
const missing = REQUIRED.filter((name) => !hasBinary(name));
if (missing.length > 0 && process.env.CI)
  throw new Error(
    `the console tests need ${missing.join(', ')} (CI is set): run scripts/install-test-deps.sh`,
  );
if (missing.length > 0)
  process.stderr.write(`# skip console edit/delete tests: ${missing.join(', ')} not installed\n`);

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe(
  'robot edit and deletions on the Identities page',
  { skip: missing.length > 0, timeout: 240_000 },
  () => {
    let dir: string;
    let purser: PurserServer | undefined;
    let registry: Registry | undefined;
    let browser: Browser | undefined;
    let page: Page;
    const secrets = new Map<string, string>();

    const api = async (
      method: string,
      path: string,
      body?: unknown,
      auth = basic('admin', ADMIN_PASSWORD),
    ) => {
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
    };
    const signIn = async (username: string, password: string) => {
      await page.goto(`${purser!.url}/console/`);
      await page.getByLabel('Username').fill(username);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
      // A developer has no Identities link in the menu; the page itself is still open to them.
      await page.goto(`${purser!.url}/console/identities`);
      await page.getByRole('heading', { name: 'Identities', level: 1 }).waitFor();
    };
    const row = (name: string) =>
      page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
    const cell = (name: string, text: string) =>
      row(name).getByRole('cell', { name: text, exact: true }).waitFor();
    const inspect = (robot: string, repository: string) =>
      skopeo([
        'inspect',
        '--creds',
        `${robot}:${secrets.get(robot)}`,
        `docker://${registry!.host}/${repository}:v1`,
      ]);
    const grantedActions = async (robot: string, repository: string) => {
      const response = await fetch(
        `${purser!.url}/token?service=${SERVICE}&scope=repository:${repository}:pull,push`,
        { headers: { authorization: basic(robot, secrets.get(robot)!) } },
      );
      if (response.status !== 200) return response.status;
      const { token } = (await response.json()) as { token: string };
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
        access: { name: string; actions: string[] }[];
      };
      return claims.access.find((a) => a.name === repository)?.actions.sort() ?? [];
    };
    /** Clicks Delete on the row, checks the dialog, confirms. */
    const deleteRow = async (name: string, title: string) => {
      await row(name).getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog', { name: title });
      await dialog.waitFor();
      return dialog;
    };

    before(async () => {
      dir = tempDir('purser-console-edit-delete-');
      const [purserPort, registryPort, issuerPort] = [await freePort(), await freePort(), await freePort()];
      const configFile = join(dir, 'purser.yaml');
      // An OIDC issuer nobody listens on: the page never asks it; its mapping names group dev.
      writeFileSync(
        configFile,
        `listen: 127.0.0.1:${purserPort}
data: ${join(dir, 'data')}
public_url: http://127.0.0.1:${purserPort}
identity:
  sources:
    - { name: corp, kind: oidc, issuer: "http://127.0.0.1:${issuerPort}", client_id: purser, timeout: 1, groups: { devs: dev } }
groups:
  - { name: dev, id: 10 }
  - { name: qa, id: 11 }
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
      for (const repository of ['team/web', 'team/api']) {
        const image = await makeOciImage(join(dir, repository.replace('/', '-')), 'img', repository);
        const pushed = await skopeo([
          'copy',
          '--dest-creds',
          `admin:${ADMIN_PASSWORD}`,
          image.ref,
          `docker://${registry.host}/${repository}:v1`,
        ]);
        assert.equal(pushed.code, 0, describeResult(pushed));
      }
      for (const name of ['ci+edit', 'ci+gone']) {
        const robot = await api('POST', '/api/v1/robots', {
          name,
          permission: 'read',
          repositories: ['team/web'],
        });
        assert.equal(robot.status, 201, JSON.stringify(robot.body));
        secrets.set(name, (robot.body as { secret: string }).secret);
      }
      assert.equal((await api('POST', '/api/v1/apps', { name: 'shop', publications: ['qa'] })).status, 201);
      const service = await api('POST', '/api/v1/services', { name: 'shop-web', app: 'shop' });
      assert.equal(service.status, 201, JSON.stringify(service.body));
      secrets.set('shop-web', (service.body as { secret: string }).secret);

      browser = await launchChromium();
      page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    });

    after(async () => {
      await browser?.close();
      await registry?.stop();
      await purser?.stop();
      if (dir) removeTempDir(dir);
    });

    test("an administrator changes a robot's repositories and permission; the registry follows", async () => {
      const before = await inspect('ci+edit', 'team/web');
      assert.equal(before.code, 0, describeResult(before));
      assert.notEqual((await inspect('ci+edit', 'team/api')).code, 0, 'not yet allowed on team/api');

      await signIn('admin', ADMIN_PASSWORD);
      await row('ci+edit').getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('form', { name: 'Edit robot' });
      const repositories = edit.getByLabel(/^Robot repositories/);
      assert.equal(await repositories.inputValue(), 'team/web', 'the form starts from the robot');
      assert.equal(await edit.getByLabel('Permission').inputValue(), 'read');
      await repositories.fill('team/api');
      await edit.getByLabel('Permission').selectOption('write');
      await axe('the Edit robot form');
      await edit.getByRole('button', { name: 'Save' }).click();
      await cell('ci+edit', 'team/api');
      await cell('ci+edit', 'write');

      const shown = (await api('GET', '/api/v1/robots/ci+edit')).body as {
        repositories: string[];
        permission: string;
      };
      assert.deepEqual([shown.repositories, shown.permission], [['team/api'], 'write']);
      const now = await inspect('ci+edit', 'team/api');
      assert.equal(now.code, 0, describeResult(now));
      assert.notEqual((await inspect('ci+edit', 'team/web')).code, 0, 'team/web is no longer allowed');
      assert.deepEqual(await grantedActions('ci+edit', 'team/api'), ['pull', 'push']);
      assert.deepEqual(await grantedActions('ci+edit', 'team/web'), []);
    });

    test("expiry: the server's refusals are shown, and a past date makes an existing robot expire", async () => {
      const create = page.getByRole('form', { name: 'Create robot' });
      await create.getByLabel('Robot name').fill('ci+late');
      await create.getByLabel(/^Robot repositories/).fill('team/web');
      await create.getByLabel(/^Expires/).fill('2020-01-01');
      await create.getByRole('button', { name: 'Create robot' }).click();
      await create
        .getByRole('alert')
        .filter({
          hasText: /expires 2020-01-01T23:59:59\.000Z is in the past: a new robot must expire later/,
        })
        .waitFor();
      assert.equal((await api('GET', '/api/v1/robots/ci+late')).status, 404, 'nothing was created');

      await row('ci+edit').getByRole('button', { name: 'Edit' }).click();
      const edit = page.getByRole('form', { name: 'Edit robot' });
      await edit.getByLabel(/^Expires/).fill('next tuesday');
      await edit.getByRole('button', { name: 'Save' }).click();
      await edit.getByRole('alert').filter({ hasText: '"next tuesday" is not a date' }).waitFor();
      await axe('the Edit robot form with its error');

      await edit.getByLabel(/^Expires/).fill('2020-01-01');
      await edit.getByRole('button', { name: 'Save' }).click();
      await cell('ci+edit', 'Expired');
      assert.equal(((await api('GET', '/api/v1/robots/ci+edit')).body as { expired: boolean }).expired, true);
      assert.notEqual((await inspect('ci+edit', 'team/api')).code, 0, 'an expired robot is refused');
      assert.equal(await grantedActions('ci+edit', 'team/api'), 401);
    });

    test("deleting a group an identity source maps to shows the server's refusal; another group goes", async () => {
      const refused = await deleteRow('dev', 'Delete the group dev?');
      await axe('the Delete group dialog');
      await refused.getByRole('button', { name: 'Delete' }).click();
      await refused
        .getByRole('alert')
        .filter({
          hasText: 'group "dev" is named by the group mapping of identity source corp: remove it there first',
        })
        .waitFor();
      await refused.getByRole('button', { name: 'Cancel' }).click();
      assert.equal((await api('GET', '/api/v1/groups/dev')).status, 200, 'dev stays');

      const dialog = await deleteRow('qa', 'Delete the group qa?');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await dialog.waitFor({ state: 'detached' });
      await row('qa').waitFor({ state: 'detached' });
      assert.equal((await api('GET', '/api/v1/groups/qa')).status, 404);
    });

    test('an administrator deletes an app, a service and a robot, each confirmed', async () => {
      const app = await deleteRow('shop', 'Delete the app shop?');
      await app.getByRole('button', { name: 'Delete' }).click();
      await row('shop').waitFor({ state: 'detached' });
      assert.equal((await api('GET', '/api/v1/apps/shop')).status, 404);
      const orphan = (await api('GET', '/api/v1/services/shop-web')).body as { app: string | null };
      assert.equal(orphan.app, null, 'its service stays, without an app');

      const service = await deleteRow('shop-web', 'Delete the service shop-web?');
      await axe('the Delete service dialog');
      await service.getByRole('button', { name: 'Delete' }).click();
      await row('shop-web').waitFor({ state: 'detached' });
      assert.equal((await api('GET', '/api/v1/services/shop-web')).status, 404);
      const me = await api('GET', '/api/v1/me', undefined, basic('shop-web', secrets.get('shop-web')!));
      assert.equal(me.status, 401, 'a deleted service cannot authenticate');

      const live = await inspect('ci+gone', 'team/web');
      assert.equal(live.code, 0, describeResult(live));
      const robot = await deleteRow('ci+gone', 'Delete the robot ci+gone?');
      await robot.getByRole('button', { name: 'Delete' }).click();
      await row('ci+gone').waitFor({ state: 'detached' });
      assert.equal((await api('GET', '/api/v1/robots/ci+gone')).status, 404);
      assert.notEqual((await inspect('ci+gone', 'team/web')).code, 0, "a deleted robot's secret is refused");
    });

    test('a developer sees no Edit or Delete, and the server refuses the deletion anyway', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await signIn('dave', 'dave-password');
      await page.getByRole('alert').first().waitFor();
      assert.equal(await page.getByRole('button', { name: 'Delete' }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Edit' }).count(), 0);
      assert.equal(await page.getByRole('form', { name: 'Edit robot' }).count(), 0);
      const statuses = await page.evaluate(
        async (paths) => {
          const session = (await (
            await fetch('/api/v1/session', { headers: { 'x-purser-console': '1' } })
          ).json()) as { csrfToken: string };
          const list: number[] = [];
          for (const path of paths) {
            const response = await fetch(path, {
              method: 'DELETE',
              headers: { 'x-purser-console': '1', 'x-purser-csrf': session.csrfToken },
            });
            list.push(response.status);
          }
          return list;
        },
        ['/api/v1/groups/dev', '/api/v1/robots/ci+edit'],
      );
      assert.deepEqual(statuses, [403, 403]);
      assert.equal((await api('GET', '/api/v1/robots/ci+edit')).status, 200);
    });
  },
);
