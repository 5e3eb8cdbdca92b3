/**
 * The console's long work and its errors, in Debian's Chromium (playwright-core) against a real
 * `purser serve` and two real docker-registries configured from Purser's own output, with
 * images pushed by skopeo: the tag table's sizes (equal to the manifest's config + layers),
 * "Delete selected" with its n-of-m progress and the sibling tag kept, "Sync now" showing
 * discovery's progress before its report, signing key rotation in
 * two steps, pages at 800 and 1024 px wide without sideways scrolling, and the server's message
 * in an alert when the registry refuses a deletion, when it is stopped, and when a key cannot be
 * retired. axe-core runs on each new screen.
 *
 * PURSER_SCREENSHOTS=DIR saves the screens named in `shot` there (docs/console/ is made so).
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
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
const READONLY = 'readonly.test';
const ADMIN_PASSWORD = 'admin-pw-for-console-progress';
const ADMIN = `admin:${ADMIN_PASSWORD}`;
/** Long names, as real registries have them: they must wrap or scroll inside their table. */
const LONG_TAG = 'release-2026.12.01-build-0123456789abcdef0123456789abcdef-linux-amd64-debug';
const LONG_URL = `/mirror/${'a-long-path-segment/'.repeat(6)}v2-root`;
const REQUIRED = ['chromium', 'docker-registry', 'skopeo'];
const missing = REQUIRED.filter((name) => !hasBinary(name));
if (missing.length > 0 && process.env.CI)
  throw new Error(
    `the console tests need ${missing.join(', ')} (CI is set): run scripts/install-test-deps.sh`,
  );
if (missing.length > 0) process.stderr.write(`# skip console tests: ${missing.join(', ')} not installed\n`);

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface ManifestJson {
  config: { size: number };
  layers: { size: number }[];
}

describe(
  'the console shows progress, sizes and every error',
  { skip: missing.length > 0, timeout: 240_000 },
  () => {
    let dir: string;
    let purser: PurserServer | undefined;
    let registry: Registry | undefined;
    let readonly: Registry | undefined;
    let browser: Browser | undefined;
    let page: Page;

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
    };
    const shot = async (name: string) => {
      const shots = process.env.PURSER_SCREENSHOTS;
      if (!shots) return;
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    };
    /**
     * Records every text the page's `output` elements show from now on (progress as it goes). A
     * script text: tsx would wrap a named function of the test in a helper the page lacks.
     */
    const watchOutputs = () =>
      page.evaluate(`(() => {
      globalThis.seenOutputs = [];
      new MutationObserver(() => {
        for (const o of document.querySelectorAll('output')) {
          const text = (o.textContent ?? '').trim();
          const seen = globalThis.seenOutputs;
          if (text && seen[seen.length - 1] !== text) seen.push(text);
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true });
    })()`);
    const seenOutputs = () =>
      page.evaluate(() => (globalThis as unknown as { seenOutputs: string[] }).seenOutputs);
    const go = (path: string) => page.goto(`${purser!.url}/console${path}`);
    const row = (tag: string) =>
      page.getByRole('row').filter({ has: page.getByRole('rowheader', { name: tag, exact: true }) });
    const inspect = (ref: string) => skopeo(['inspect', '--creds', ADMIN, `docker://${ref}`]);
    /** How much wider than the window the page is (0 or less: no sideways scrolling). */
    const overflow = () =>
      page.evaluate(() => {
        const g = globalThis as unknown as {
          innerWidth: number;
          document: { documentElement: { scrollWidth: number } };
        };
        return g.document.documentElement.scrollWidth - g.innerWidth;
      });

    const startConfigured = async (
      service: string,
      port: number,
      configFile: string,
      deleteEnabled: boolean,
    ) => {
      const bundle = join(dir, `${service}-bundle.pem`);
      const rendered = await purserCli(
        ['--config', configFile, 'registry', 'config', service, '--format', 'distribution'].concat([
          '--rootcertbundle',
          bundle,
          '--bundle-out',
          bundle,
        ]),
        { env: { PURSER_ADMIN_PASSWORD: ADMIN_PASSWORD } },
      );
      assert.equal(rendered.code, 0, describeResult(rendered));
      const distribution = parse(rendered.stdout) as Record<string, unknown>;
      return startRegistry({
        port,
        deleteEnabled,
        extraYaml: { auth: distribution.auth, notifications: distribution.notifications } as Record<
          string,
          unknown
        >,
      });
    };

    before(async () => {
      dir = tempDir('purser-console-progress-');
      const [purserPort, registryPort, readonlyPort, mirrorPort] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      const purserUrl = `http://127.0.0.1:${purserPort}`;
      const configFile = join(dir, 'purser.yaml');
      writeFileSync(
        configFile,
        `listen: 127.0.0.1:${purserPort}
data: ${join(dir, 'data')}
public_url: ${purserUrl}
registries:
  - { service: ${SERVICE}, url: http://127.0.0.1:${registryPort}, insecure: true }
  - { service: ${READONLY}, url: http://127.0.0.1:${readonlyPort}, insecure: true }
  - { service: mirror.with-a-rather-long-service-name.example.internal, url: http://127.0.0.1:${mirrorPort}${LONG_URL}, insecure: true }
`,
      );
      purser = await startPurser({ configFile, env: { PURSER_ADMIN_PASSWORD: ADMIN_PASSWORD } });
      registry = await startConfigured(SERVICE, registryPort, configFile, true);
      readonly = await startConfigured(READONLY, readonlyPort, configFile, false);
      const layout = join(dir, 'oci');
      const app = await makeOciImage(layout, 'app', 'the app image');
      const two = await makeOciImage(layout, 'two', 'the second image, a little longer than the first');
      const three = await makeOciImage(layout, 'three', 'the third image');
      for (const [ref, host, to] of [
        [app.ref, registry.host, 'team/app:v1'],
        [app.ref, registry.host, 'team/app:v1-alias'],
        [two.ref, registry.host, 'team/app:v2'],
        [three.ref, registry.host, 'team/app:v3'],
        [three.ref, registry.host, `team/app:${LONG_TAG}`],
        [app.ref, readonly.host, 'team/kept:v1'],
      ] as const) {
        const r = await skopeo(['copy', '--dest-creds', ADMIN, ref, `docker://${host}/${to}`]);
        assert.equal(r.code, 0, describeResult(r));
      }
      for (const service of [SERVICE, READONLY]) {
        const synced = await api('POST', `/api/v1/registries/${service}/sync`);
        assert.equal(synced.status, 200, JSON.stringify(synced.body));
      }

      browser = await launchChromium();
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      page = await context.newPage();
      await go('/');
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
    });

    after(async () => {
      await browser?.close();
      await registry?.stop();
      await readonly?.stop();
      await purser?.stop();
      if (dir) removeTempDir(dir);
    });

    test("the Size column shows each tag's config + layers, as the registry's manifest states them", async () => {
      await go(`/repositories/${SERVICE}/team/app`);
      await page.getByRole('heading', { name: 'team/app', level: 1 }).waitFor();
      for (const tag of ['v1', 'v1-alias', 'v2', 'v3', LONG_TAG]) {
        const raw = await skopeo([
          'inspect',
          '--raw',
          '--creds',
          ADMIN,
          `docker://${registry!.host}/team/app:${tag}`,
        ]);
        assert.equal(raw.code, 0, describeResult(raw));
        const manifest = JSON.parse(raw.stdout) as ManifestJson;
        const expected = manifest.config.size + manifest.layers.reduce((sum, l) => sum + l.size, 0);
        const size = row(tag).locator('data');
        await size.waitFor();
        assert.equal(await size.getAttribute('value'), String(expected), `size of ${tag}`);
        assert.match((await size.textContent()) ?? '', /^\d+(\.\d)? (B|kB)$/);
      }
      const shown = await api('GET', `/api/v1/registries/${SERVICE}/repositories/team/app`);
      const sizes = (shown.body as { tags: { tag: string; size: number | null }[] }).tags.map((t) => t.size);
      assert.ok(
        sizes.every((s) => typeof s === 'number' && s > 0),
        `the API has the sizes: ${sizes}`,
      );
      const listed = await api('GET', `/api/v1/registries/${SERVICE}/tags/team/app`);
      assert.deepEqual(
        (listed.body as { tags: { size: number | null }[] }).tags.map((t) => t.size),
        sizes,
        'the tags API has the recorded sizes too',
      );
      await axe('repository with sizes');
      await shot('repository-sizes');
    });

    test('Delete selected: one confirmation, n of m deleted, the unselected sibling kept', async () => {
      await row('v1').getByRole('checkbox', { name: 'Select v1' }).check();
      await row('v2').getByRole('checkbox', { name: 'Select v2' }).check();
      await page.getByText('2 selected').waitFor();
      await page.getByRole('button', { name: 'Delete selected' }).click();
      const dialog = page.getByRole('dialog', { name: 'Delete 2 tags?' });
      await dialog.waitFor();
      assert.match((await dialog.textContent()) ?? '', /Tags of the same images are kept: v1-alias/);
      await axe('bulk delete dialog');
      await watchOutputs();
      await dialog.getByRole('button', { name: 'Delete' }).click();
      const progress = page.getByRole('region', { name: 'Tags deleted' });
      await progress.waitFor({ timeout: 30_000 });
      await progress.getByRole('status').filter({ hasText: '2 of 2 deleted.' }).waitFor();
      assert.equal(
        await progress.getByRole('progressbar', { name: 'Tags processed' }).getAttribute('value'),
        '2',
      );
      assert.equal(await progress.getByRole('alert').count(), 0, 'no tag failed');
      assert.equal(
        await progress.evaluate((e) => e === (e.ownerDocument as { activeElement: unknown }).activeElement),
        true,
        'the focus moved to the progress',
      );
      const seen = await seenOutputs();
      assert.ok(seen.includes('0 of 2 deleted (working on v1)'), `progress shown: ${seen.join(' | ')}`);
      assert.ok(seen.includes('1 of 2 deleted (working on v2)'), `progress shown: ${seen.join(' | ')}`);
      await axe('bulk delete progress');
      await shot('repository-bulk-delete');
      await row('v2').waitFor({ state: 'detached' });
      assert.equal(await row('v1').count(), 0);
      assert.equal(await row('v1-alias').count(), 1);
      assert.equal(await row('v3').count(), 1);
      assert.notEqual((await inspect(`${registry!.host}/team/app:v1`)).code, 0, 'v1 is gone');
      assert.notEqual((await inspect(`${registry!.host}/team/app:v2`)).code, 0, 'v2 is gone');
      const kept = await inspect(`${registry!.host}/team/app:v1-alias`);
      assert.equal(kept.code, 0, describeResult(kept));
    });

    test("a registry that refuses deletes: each tag's failure shows the server's message in an alert", async () => {
      await go(`/repositories/${READONLY}/team/kept`);
      await row('v1').getByRole('checkbox', { name: 'Select v1' }).check();
      await page.getByRole('button', { name: 'Delete selected' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      const alert = page.getByRole('region', { name: 'Tags deleted' }).getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      const expected = await api('DELETE', `/api/v1/registries/${READONLY}/tags/team/kept:v1`);
      const message = (expected.body as { errors: { message: string }[] }).errors[0]!.message;
      assert.equal(expected.status, 409, message);
      assert.match(
        (await alert.textContent()) ?? '',
        new RegExp(`v1: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
      );
      await page.getByText('0 of 1 deleted.').waitFor();
      assert.equal(await row('v1').count(), 1, 'the tag is still listed');
    });

    test('Sync now shows discovery progress, then its report', async () => {
      await go('/registries');
      const registryRow = page
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: SERVICE, exact: true }) });
      await registryRow.waitFor();
      await watchOutputs();
      await registryRow.getByRole('button', { name: 'Sync now' }).click();
      await registryRow.getByText(/Done: repositories \d+/).waitFor({ timeout: 30_000 });
      const seen = await seenOutputs();
      assert.ok(
        seen.some((text) => /^(discovering…|(catalog|tags|digests|done): \d+ of \d+)$/.test(text)),
        `progress shown before the report: ${seen.join(' | ')}`,
      );
    });

    test('signing keys: publish a new key, rotate to it, and the server refuses to retire the signer', async () => {
      await go('/registries');
      const section = page.getByRole('region', { name: 'Signing keys' });
      await section.getByRole('table').waitFor();
      const before = (await api('GET', '/api/v1/keys')).body as { keys: { kid: string; signing: boolean }[] };
      const oldSigner = before.keys.find((k) => k.signing)!.kid;
      await section.getByText(`${oldSigner} signs tokens.`).waitFor();
      await axe('registries with signing keys');

      await section.getByRole('button', { name: 'Publish a new key' }).click();
      await page
        .getByRole('dialog', { name: 'Publish a new signing key?' })
        .getByRole('button', { name: 'Publish' })
        .click();
      await section.getByText(/^Published \S+; it signs after the next rotation\.$/).waitFor();
      const staged = (await api('GET', '/api/v1/keys')).body as {
        keys: { kid: string; state: string; signing: boolean }[];
      };
      const fresh = staged.keys.find((k) => k.state === 'published' && k.kid !== oldSigner)!.kid;
      await section
        .getByText(`Step 1 of 2 done: ${fresh} is published but does not sign yet.`, { exact: false })
        .waitFor();
      assert.equal(staged.keys.find((k) => k.signing)?.kid, oldSigner, 'the old key still signs');

      await section.getByRole('button', { name: 'Rotate signing key' }).click();
      await page
        .getByRole('dialog', { name: 'Rotate the signing key?' })
        .getByRole('button', { name: 'Rotate' })
        .click();
      await section.getByText(`Rotated: ${fresh} now signs tokens.`).waitFor();
      const rotated = (await api('GET', '/api/v1/keys')).body as {
        keys: { kid: string; state: string; signing: boolean }[];
      };
      assert.equal(rotated.keys.find((k) => k.signing)?.kid, fresh);
      assert.equal(
        rotated.keys.find((k) => k.kid === oldSigner)?.state,
        'published',
        'the old key stays published',
      );
      await section.getByText(`${oldSigner} stays published`, { exact: false }).waitFor();
      const signerRow = section
        .getByRole('row')
        .filter({ has: page.getByRole('rowheader', { name: fresh }) });
      await signerRow.getByRole('cell', { name: 'Signing', exact: true }).waitFor();

      await signerRow.getByRole('button', { name: 'Retire' }).click();
      await page
        .getByRole('dialog', { name: `Retire key ${fresh}?` })
        .getByRole('button', { name: 'Retire' })
        .click();
      const alert = section.getByRole('alert');
      await alert.waitFor();
      assert.equal(
        await alert.textContent(),
        `key ${fresh} is the signing key; rotate first, then retire it`,
      );
      await axe('signing keys with an error');
      await shot('registries-signing-keys');
    });

    test('at 800 and 1024 px wide no page scrolls sideways (tables scroll inside their container)', async () => {
      const pages: [string, string][] = [
        ['/repositories', 'Repositories'],
        [`/repositories/${SERVICE}/team/app`, 'team/app'],
        ['/registries', 'Registries'],
        ['/credentials', 'Credentials'],
        ['/identities', 'Identities'],
        ['/audit', 'Audit'],
      ];
      for (const width of [800, 1024]) {
        await page.setViewportSize({ width, height: 700 });
        for (const [path, heading] of pages) {
          await go(path);
          await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
          await page.waitForLoadState('networkidle');
          const extra = await overflow();
          assert.ok(extra <= 0, `${path} is ${extra}px wider than a ${width}px window`);
        }
      }
      await axe('audit at 1024 px');
      await page.setViewportSize({ width: 1280, height: 900 });
    });

    test("a page whose data cannot be read shows the server's message, never a blank page", async () => {
      await go(`/repositories/${SERVICE}/team/nothing-here`);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      assert.equal(await alert.textContent(), `repository team/nothing-here not found on ${SERVICE}`);
    });

    test("with the registry stopped, deleting a tag shows the server's message in an alert", async () => {
      await go(`/repositories/${SERVICE}/team/app`);
      await row('v3').waitFor();
      await registry!.stop();
      const expected = await api('DELETE', `/api/v1/registries/${SERVICE}/tags/team/app:v3`);
      const message = (expected.body as { errors: { message: string }[] }).errors[0]!.message;
      assert.ok(expected.status >= 400, `the API refuses: ${expected.status} ${message}`);
      await row('v3').getByRole('button', { name: 'Delete' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      const alert = dialog.getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      assert.equal(await alert.textContent(), message);
      assert.notEqual(message, '');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      await row('v3').getByRole('checkbox', { name: 'Select v3' }).check();
      await page.getByRole('button', { name: 'Delete selected' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      const failed = page.getByRole('region', { name: 'Tags deleted' }).getByRole('alert');
      await failed.waitFor({ timeout: 30_000 });
      assert.equal(await failed.locator('li').textContent(), `v3: ${message}`);
    });
  },
);
