/**
 * The console's "Sign in with …" in Debian's Chromium (playwright-core) against a real
 * `purser serve` whose `oidc` identity source is oidc-provider, run in this process: the button
 * on the sign-in page, the provider's own login and consent pages, and the way back signed in
 * (the same HttpOnly session cookie as the password form). A cancelled login, a person in no
 * mapped group and a callback this browser did not start each end on the sign-in page with the
 * server's message in role=alert. The administrator then sees the new user with its source.
 * axe-core runs on the sign-in page with its button.
 *
 * Both servers are on 127.0.0.1 (one site for the browser): the SameSite=Lax choice of the
 * sign-on cookie is argued in src/server/plugins/session-cookie.ts, not proven here.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import YAML from 'yaml';
import { hasBinary } from '../support/binaries.ts';
import { axeViolations, describeViolations, launchChromium } from '../support/browser.ts';
import {
  OIDC_CLIENT_ID,
  OIDC_CLIENT_SECRET,
  startOidcProvider,
  type TestProvider,
} from '../support/oidc-provider.ts';
import { freePort } from '../support/ports.ts';
import { type PurserServer, startPurser } from '../support/purser.ts';
import { removeTempDir, tempDir } from '../support/temp.ts';

const ADMIN_PASSWORD = 'admin-pw-for-console-sso';
const BUTTON = 'Sign in with Test IdP';
const missing = hasBinary('chromium') ? [] : ['chromium'];
if (missing.length > 0 && process.env.CI)
  throw new Error('the console tests need chromium (CI is set): run scripts/install-test-deps.sh');
if (missing.length > 0) process.stderr.write('# skip console SSO tests: chromium not installed\n');

describe(
  'the console signs in through an OIDC provider',
  { skip: missing.length > 0, timeout: 180_000 },
  () => {
    let dir: string;
    let idp: TestProvider | undefined;
    let purser: PurserServer | undefined;
    let browser: Browser | undefined;
    const contexts: BrowserContext[] = [];
    const shots = process.env.PURSER_SCREENSHOTS;

    const freshPage = async (): Promise<Page> => {
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 } });
      contexts.push(context);
      return context.newPage();
    };
    /** At the provider: its dev login takes any password for an account id (the `sub`). */
    const logInAtProvider = async (page: Page, sub: string) => {
      await page.waitForURL((url) => url.href.startsWith(idp!.issuer));
      await page.locator('input[name="login"]').fill(sub);
      await page.locator('input[name="password"]').fill('any password');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'Continue' }).click();
    };
    const startSso = async (page: Page) => {
      await page.goto(`${purser!.url}/console/`);
      await page.getByRole('button', { name: BUTTON }).click();
    };

    before(async () => {
      dir = tempDir('purser-console-sso-');
      idp = await startOidcProvider();
      const port = await freePort();
      const configFile = join(dir, 'purser.yaml');
      writeFileSync(
        configFile,
        YAML.stringify({
          listen: `127.0.0.1:${port}`,
          data: join(dir, 'data'),
          public_url: `http://127.0.0.1:${port}`,
          groups: [{ name: 'dev' }],
          identity: {
            sources: [
              {
                name: 'sso',
                kind: 'oidc',
                display_name: 'Test IdP',
                issuer: idp.issuer,
                client_id: OIDC_CLIENT_ID,
                client_secret: OIDC_CLIENT_SECRET,
                groups: { 'registry-devs': 'dev' },
                privileges: { 'registry-devs': ['puller'] },
              },
            ],
          },
        }),
        { mode: 0o600 },
      );
      purser = await startPurser({ configFile, env: { PURSER_ADMIN_PASSWORD: ADMIN_PASSWORD } });
      browser = await launchChromium();
    });

    after(async () => {
      for (const context of contexts) await context.close().catch(() => {});
      await browser?.close();
      await purser?.stop();
      await idp?.close();
      if (dir) removeTempDir(dir);
    });

    test('the sign-in page offers one "Sign in with …" button per OIDC source', async () => {
      const page = await freshPage();
      await page.goto(`${purser!.url}/console/`);
      await page.getByRole('button', { name: BUTTON }).waitFor();
      assert.equal(await page.getByRole('button', { name: /^Sign in with/ }).count(), 1);
      const violations = await axeViolations(page);
      assert.deepEqual(violations, [], `axe on the sign-in page:\n${describeViolations(violations)}`);
      if (shots) {
        mkdirSync(shots, { recursive: true });
        await page.screenshot({ path: join(shots, 'sign-in-sso.png'), fullPage: true });
      }
    });

    test('a person logs in at the provider and lands signed in on the console', async () => {
      const page = await freshPage();
      await startSso(page);
      await logInAtProvider(page, 'u-1001');
      await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
      assert.match(page.url(), /\/console\/repositories$/);
      assert.equal(await page.locator('header .account').textContent(), 'dana');
      const cookies = await page.context().cookies(purser!.url);
      const session = cookies.find((c) => c.name === 'purser_session');
      assert.ok(session, 'the session cookie is set');
      assert.equal(session.httpOnly, true);
      assert.equal(session.sameSite, 'Strict');
      assert.equal(
        cookies.some((c) => c.name === 'purser_sso'),
        false,
        'the sealed sign-on state is cleared',
      );
      // The session is a real one: a reload keeps it, and sign-out ends it on the server.
      await page.reload();
      await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
      const me = await page.evaluate(async () => (await fetch('/api/v1/me')).json());
      assert.equal((me as { name: string }).name, 'dana');
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('button', { name: BUTTON }).waitFor();
      // As the console asks (x-purser-console): no browser password prompt on the 401.
      const after = await page.evaluate(
        async () => (await fetch('/api/v1/me', { headers: { 'x-purser-console': '1' } })).status,
      );
      assert.equal(after, 401);
    });

    test('a login cancelled at the provider ends on the sign-in page with an alert', async () => {
      const page = await freshPage();
      await startSso(page);
      await page.waitForURL((url) => url.href.startsWith(idp!.issuer));
      await page.getByRole('link', { name: '[ Cancel ]' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal(await alert.textContent(), 'the sign-in at Test IdP was cancelled or refused');
      assert.doesNotMatch(page.url(), /sso=failed/, 'the page drops the marker from its URL');
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    });

    test('a person in no mapped group is refused with the reason', async () => {
      const page = await freshPage();
      await startSso(page);
      await logInAtProvider(page, 'u-1002');
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /erin is in no group that sso maps to Purser/);
      assert.equal(await page.getByRole('button', { name: 'Sign out' }).count(), 0);
    });

    test('a callback this browser did not start is refused', async () => {
      const page = await freshPage();
      await page.goto(`${purser!.url}/api/v1/session/sso/callback?code=forged&state=forged`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.match((await alert.textContent()) ?? '', /not started from this browser/);
      // Text put in the URL is never shown: only the server's sealed message is.
      await page.goto(`${purser!.url}/console/?sso=failed&message=call%20555`);
      await page.getByRole('alert').waitFor();
      assert.doesNotMatch((await page.getByRole('alert').textContent()) ?? '', /555/);
    });

    test('the administrator sees the new user with the identity source it signs in through', async () => {
      const page = await freshPage();
      await page.goto(`${purser!.url}/console/`);
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Identities' }).click();
      const row = (name: string) =>
        page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
      await row('dana').getByRole('cell', { name: 'sso', exact: true }).waitFor();
      await row('admin').getByRole('cell', { name: 'local', exact: true }).waitFor();
    });
  },
);
