/**
 * The web console in Debian's Chromium (playwright-core) against a real `purser serve` and a
 * real docker-registry configured from Purser's own output, with images pushed by skopeo.
 * One browser and one server; the pages are walked in order, the way a person would:
 * sign-in (bad, good), search with and without `docker:`, deleting a tag through the dialog
 * with its sibling kept, who pulled it, the credentials vault, registries, a robot whose
 * ready-made config skopeo uses, the audit log, a request without the CSRF token, sign-out, a
 * developer's view, and the end of an idle session. axe-core runs on every page.
 *
 * PURSER_SCREENSHOTS=DIR saves a screenshot of each page there (docs/console/ is made so).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
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
const ADMIN_PASSWORD = 'admin-pw-for-console';
const REQUIRED = ['chromium', 'docker-registry', 'skopeo'];
const missing = REQUIRED.filter((name) => !hasBinary(name));
if (missing.length > 0 && process.env.CI)
  throw new Error(
    `the console tests need ${missing.join(', ')} (CI is set): run scripts/install-test-deps.sh`,
  );
if (missing.length > 0) process.stderr.write(`# skip console tests: ${missing.join(', ')} not installed\n`);

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the web console in a browser', { skip: missing.length > 0, timeout: 240_000 }, () => {
  let dir: string;
  let purser: PurserServer | undefined;
  let registry: Registry | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  const cspErrors: string[] = [];
  const shots = process.env.PURSER_SCREENSHOTS;

  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${purser!.url}${path}`, {
      method,
      headers: {
        authorization: basic('admin', ADMIN_PASSWORD),
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
  const go = async (path: string) => {
    await page.goto(`${purser!.url}/console${path}`);
  };
  const signIn = async (username: string, password: string) => {
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };

  before(async () => {
    dir = tempDir('purser-console-');
    const [purserPort, registryPort] = [await freePort(), await freePort()];
    const purserUrl = `http://127.0.0.1:${purserPort}`;
    const configFile = join(dir, 'purser.yaml');
    writeFileSync(
      configFile,
      `listen: 127.0.0.1:${purserPort}
data: ${join(dir, 'data')}
public_url: ${purserUrl}
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
      extraYaml: { auth: distribution.auth, notifications: distribution.notifications } as Record<
        string,
        unknown
      >,
    });
    const layout = join(dir, 'oci');
    const app = await makeOciImage(layout, 'app', 'the app image');
    const web = await makeOciImage(layout, 'web', 'the web image');
    const admin = `admin:${ADMIN_PASSWORD}`;
    for (const [ref, to] of [
      [app.ref, 'team/app:v1'],
      [app.ref, 'team/app:v1-alias'],
      [web.ref, 'team/web:v1'],
      [web.ref, 'users/erin/private:v1'],
    ] as const) {
      const r = await skopeo(['copy', '--dest-creds', admin, ref, `docker://${registry.host}/${to}`]);
      assert.equal(r.code, 0, describeResult(r));
    }
    const pulled = await skopeo([
      'inspect',
      '--creds',
      'dave:dave-password',
      `docker://${registry.host}/team/app:v1-alias`,
    ]);
    assert.equal(pulled.code, 0, describeResult(pulled));
    const synced = await api('POST', `/api/v1/registries/${SERVICE}/sync`);
    assert.equal(synced.status, 200, JSON.stringify(synced.body));

    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspErrors.push(message.text());
    });
  });

  after(async () => {
    await browser?.close();
    await registry?.stop();
    await purser?.stop();
    if (dir) removeTempDir(dir);
  });

  test('/ leads to the sign-in page; a failed sign-in says only that, in an alert', async () => {
    await page.goto(`${purser!.url}/`);
    assert.match(page.url(), /\/console\/$/);
    await axe('sign-in');
    await signIn('admin', 'wrong-password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.equal(await alert.textContent(), 'invalid username or password');
    await signIn('nobody-at-all', 'wrong-password');
    await page.getByRole('alert').waitFor();
    assert.equal(await page.getByRole('alert').textContent(), 'invalid username or password');
  });

  test('an administrator signs in and sees every page in the navigation', async () => {
    await signIn('admin', ADMIN_PASSWORD);
    await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const name of ['Registries', 'Repositories', 'Identities', 'Credentials', 'Audit'])
      assert.equal(await nav.getByRole('link', { name }).count(), 1, `link ${name}`);
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    const stored = await page.evaluate(() => {
      const g = globalThis as unknown as {
        localStorage: { length: number };
        sessionStorage: { length: number };
        document: { cookie: string };
      };
      return { local: g.localStorage.length, session: g.sessionStorage.length, cookie: g.document.cookie };
    });
    assert.deepEqual(
      stored,
      { local: 0, session: 0, cookie: '' },
      'nothing in storage; the cookie is HttpOnly',
    );
  });

  test('search: plain text also finds registries; docker: shows only registry objects', async () => {
    const search = page.getByLabel('Search');
    await search.fill('app');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'team/app' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'team/web' }).count(), 0);
    await search.fill('registry');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Other matches' }).waitFor();
    assert.equal(await page.getByRole('link', { name: SERVICE }).count(), 1, 'the registry is found by name');
    await search.fill('docker:registry');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('0 repositories').waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Other matches' }).count(), 0);
    await search.fill('docker:team');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'team/web' }).waitFor();
    await page.getByRole('link', { name: 'team/app' }).waitFor();
    await axe('repositories');
    // The dark theme follows the system setting, with the same contrast rules.
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate(
      () =>
        (
          globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
        ).getComputedStyle((globalThis as unknown as { document: { body: unknown } }).document.body)
          .backgroundColor,
    );
    assert.equal(background, 'rgb(13, 17, 23)');
    await axe('repositories-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  test('deleting a tag asks in an in-page dialog and keeps the sibling tag of the same digest', async () => {
    await page.getByRole('link', { name: 'team/app' }).click();
    await page.getByRole('heading', { name: 'team/app', level: 1 }).waitFor();
    const row = (tag: string) =>
      page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: tag, exact: true }) });
    await row('v1').waitFor();
    await row('v1-alias').waitFor();
    await axe('repository');
    let nativeDialog = false;
    page.once('dialog', (d) => {
      nativeDialog = true;
      void d.dismiss();
    });
    await row('v1').getByRole('button', { name: 'Delete' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match((await dialog.textContent()) ?? '', /Tags of the same image are kept: v1-alias/);
    await axe('repository-delete-dialog');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Deleted v1.').waitFor();
    assert.equal(nativeDialog, false, 'no confirm() of the browser');
    assert.equal(await row('v1').count(), 0);
    assert.equal(await row('v1-alias').count(), 1);
    const kept = await skopeo([
      'inspect',
      '--creds',
      `admin:${ADMIN_PASSWORD}`,
      `docker://${registry!.host}/team/app:v1-alias`,
    ]);
    assert.equal(kept.code, 0, describeResult(kept));
    const gone = await skopeo([
      'inspect',
      '--creds',
      `admin:${ADMIN_PASSWORD}`,
      `docker://${registry!.host}/team/app:v1`,
    ]);
    assert.notEqual(gone.code, 0, 'v1 is gone from the registry');
  });

  test('"Who uses this image" lists who pulled the digest', async () => {
    await page
      .getByRole('row')
      .filter({ hasText: 'v1-alias' })
      .getByRole('button', { name: 'Who uses this image' })
      .click();
    const section = page.getByRole('region', { name: 'Who uses this image' });
    await section.getByRole('cell', { name: 'dave', exact: true }).waitFor({ timeout: 15_000 });
    const shown = await api('GET', `/api/v1/registries/${SERVICE}/repositories/team/app`);
    const alias = (shown.body as { tags: { tag: string; last_pulled: string | null }[] }).tags.find(
      (t) => t.tag === 'v1-alias',
    );
    assert.match(alias?.last_pulled ?? '', /^\d{4}-\d{2}-\d{2}T/, 'the tag table has the last pull');
  });

  test('credentials: add, edit without revealing the password, deactivate, activate, delete', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('heading', { name: 'Credentials', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add credential' }).click();
    const form = page.getByRole('form', { name: 'Add credential' });
    await form.getByLabel('Address').fill('registry.example.com:5000');
    await form.getByLabel('Username').fill('ci');
    await form.getByLabel('Password').fill('first-secret-value');
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'registry.example.com:5000' }) });
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor();
    await axe('credentials');

    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit credential' });
    assert.equal(await edit.getByLabel('Password').inputValue(), '', 'the stored password is not shown');
    assert.equal(await edit.getByLabel('Username').inputValue(), 'ci');
    await edit.getByLabel('Username').fill('ci-bot');
    await edit.getByRole('button', { name: 'Save' }).click();
    await row.getByRole('cell', { name: 'ci-bot', exact: true }).waitFor();
    const secret = await api(
      'GET',
      '/api/v1/environments/default/credentials/registry.example.com:5000/secret',
    );
    assert.equal(secret.status, 200, JSON.stringify(secret.body));
    assert.match(
      JSON.stringify(secret.body),
      /first-secret-value/,
      'an empty password field kept the secret',
    );

    await row.getByRole('button', { name: 'Deactivate' }).click();
    await row.getByRole('cell', { name: 'Deactivated', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Activate' }).click();
    await row.getByRole('cell', { name: 'Active', exact: true }).waitFor();
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('No credentials yet.').waitFor();
  });

  test('registries: the list with its downloads, and Sync now', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Registries' }).click();
    const row = page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: SERVICE }) });
    await row.waitFor();
    const href = await row.getByRole('link', { name: 'config.yml' }).getAttribute('href');
    const config = await page.evaluate(async (url) => (await fetch(url!)).text(), href);
    assert.match(config, /realm: http:\/\/127\.0\.0\.1/);
    await row.getByRole('button', { name: 'Sync now' }).click();
    // The report comes as the last line of the NDJSON progress stream.
    await row.getByText(/Done: repositories \d+/).waitFor({ timeout: 30_000 });
    await axe('registries');
  });

  test("identities: a robot's secret once, with a ready-made config that skopeo uses; Explain", async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Identities' }).click();
    await page.getByRole('heading', { name: 'Users' }).waitFor();
    await page.getByRole('rowheader', { name: 'dave', exact: true }).waitFor();
    const addUser = page.getByRole('form', { name: 'Add user' });
    await addUser.getByLabel('User name').fill('frank');
    await addUser.getByLabel('Initial password').fill('frank-password');
    await addUser.getByLabel('Groups (comma-separated; missing ones are created)').fill('dev');
    await addUser.getByRole('button', { name: 'Add user' }).click();
    const frank = page
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'frank', exact: true }) });
    await frank.getByRole('cell', { name: 'Enabled', exact: true }).waitFor();
    await frank.getByRole('button', { name: 'Disable' }).click();
    await frank.getByRole('cell', { name: 'Disabled', exact: true }).waitFor();
    const refused = await fetch(`${purser!.url}/api/v1/me`, {
      headers: { authorization: basic('frank', 'frank-password') },
    });
    assert.equal(refused.status, 401, 'a disabled user cannot sign in');
    await frank.getByRole('button', { name: 'Enable' }).click();
    await frank.getByRole('cell', { name: 'Enabled', exact: true }).waitFor();
    const form = page.getByRole('form', { name: 'Create robot' });
    await form.getByLabel('Robot name').fill('ci+console');
    await form.getByLabel('Robot repositories').fill('team/*');
    await form.getByLabel('Registry address for the configurations').fill(registry!.host);
    await form.getByRole('button', { name: 'Create robot' }).click();
    await page.getByRole('heading', { name: 'Secret of ci+console' }).waitFor();
    assert.ok((await page.getByLabel('Robot secret').inputValue()).length >= 16);
    await page.getByText('podman auth.json').click();
    const authJson = (await page.locator('details[open] pre').textContent()) ?? '';
    const authfile = join(dir, 'robot-auth.json');
    writeFileSync(authfile, authJson);
    const inspect = await skopeo([
      'inspect',
      '--authfile',
      authfile,
      `docker://${registry!.host}/team/web:v1`,
    ]);
    assert.equal(inspect.code, 0, describeResult(inspect));
    await axe('identities');
    const explain = page.getByRole('form', { name: 'Explain' });
    await explain.getByLabel('Principal').fill('dave');
    await explain.getByLabel('Registry service').fill(SERVICE);
    await explain.getByLabel('Scope').fill('repository:team/web:pull,push');
    await explain.getByRole('button', { name: 'Explain' }).click();
    await page.getByRole('cell', { name: 'allowed', exact: true }).first().waitFor();
    await page.getByRole('cell', { name: 'denied', exact: true }).first().waitFor();
  });

  test('audit: entries, filters, exports and the chart of pulls and pushes', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('img', { name: /Pulls and pushes per day/ }).waitFor();
    await page.getByText(/entries, page 1 of/).waitFor();
    await axe('audit');
    // A narrow laptop window: the page itself never scrolls sideways (wide tables scroll inside).
    await page.setViewportSize({ width: 1024, height: 700 });
    const overflow = await page.evaluate(() => {
      const root = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    assert.ok(overflow <= 0, `the page is ${overflow}px wider than a 1024px window`);
    await page.setViewportSize({ width: 1280, height: 900 });
    const filters = page.getByRole('form', { name: 'Filters' });
    await filters.getByLabel('Action').fill('pull');
    await filters.getByRole('button', { name: 'Apply filters' }).click();
    // The filtered page replaces the first one: no push left, pulls shown.
    await page.getByRole('cell', { name: 'push', exact: true }).first().waitFor({ state: 'detached' });
    await page.getByRole('cell', { name: 'pull', exact: true }).first().waitFor();
    const csv = await page.getByRole('link', { name: 'CSV' }).getAttribute('href');
    assert.match(csv ?? '', /format=csv/);
    assert.match(csv ?? '', /action=pull/);
    const exported = await page.evaluate(async (url) => (await fetch(url!)).text(), csv);
    assert.match(exported.split('\n')[0] ?? '', /action/);
  });

  test('a state-changing request with the session cookie but without the CSRF token is refused', async () => {
    const result = await page.evaluate(async () => {
      const response = await fetch('/api/v1/groups', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'csrf-test' }),
      });
      return { status: response.status, body: await response.text() };
    });
    assert.equal(result.status, 403, result.body);
    assert.match(result.body, /CSRF/);
    const groups = await api('GET', '/api/v1/groups');
    assert.doesNotMatch(JSON.stringify(groups.body), /csrf-test/);
  });

  test('sign out ends the session: the console asks to sign in again', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await go('/credentials');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Credentials' }).count(), 0);
  });

  test('a developer sees the repositories they may pull, not the rest, and no management page', async () => {
    await go('/');
    await signIn('dave', 'dave-password');
    await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.deepEqual(await nav.getByRole('link').allTextContents(), ['Repositories']);
    await page.getByRole('link', { name: 'team/web' }).waitFor();
    assert.equal(await page.getByRole('link', { name: 'users/erin/private' }).count(), 0);
    await axe('repositories-developer');
    await go('/credentials');
    await page.getByRole('alert').first().waitFor();
    assert.match(
      (await page.getByRole('alert').first().textContent()) ?? '',
      /not allowed to read the credentials/,
    );
  });

  test('an idle session ends: the next action leads to the sign-in page', async () => {
    const db = new Database(join(dir, 'data', 'purser.db'));
    try {
      const changed = db
        .prepare(
          "update console_sessions set last_seen_at = last_seen_at - 86400000 where principal_name = 'dave'",
        )
        .run();
      assert.ok(changed.changes >= 1);
    } finally {
      db.close();
    }
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Repositories' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    assert.match((await page.getByRole('alert').textContent()) ?? '', /session has ended/);
  });

  test('no page broke the Content-Security-Policy', () => {
    assert.deepEqual(cspErrors, []);
  });
});
