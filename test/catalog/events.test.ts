/**
 * Registry events from a real docker-registry (token auth, so actors are real principals):
 * they arrive, are deduplicated across a Purser restart while the registry retries, unknown or
 * unauthenticated senders get 401 with nothing stored, and "who pulled this digest" answers
 * with the right users, services and robots.
 */

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ensureNotifySecret, NOTIFY_SECRET_HEADER } from '../../src/catalog/notify-secret.ts';
import type { Registry } from '../../src/domain/model.ts';
import { RegistryClient } from '../../src/registry-client/registry-client.ts';
import { newPrincipalId } from '../../src/store/principal-id.ts';
import type { TokenIssuer } from '../../src/token/issuer.ts';
import { requireBinary } from '../support/binaries.ts';
import { freePort } from '../support/ports.ts';
import { type Registry as RunningRegistry, startRegistry } from '../support/registry.ts';
import { basic, startCatalogApp, tokenIssuer } from './catalog-app.ts';
import { admin, DEV, insertRegistry, openTestStore, type TestStore, testModel } from './fixtures.ts';
import { pushImage } from './push-image.ts';

const SERVICE = 'events.test';
let store: TestStore;
let registry: Registry;
let signer: { issuer: TokenIssuer; key: { certificatePem: string } };
let running: RunningRegistry | undefined;
let port: number;
let secret: string;

before(async () => {
  store = await openTestStore();
  registry = await insertRegistry(store.handle, SERVICE, 'http://127.0.0.1:1', {
    publications: [DEV],
    responsibles: [DEV],
  });
  const now = Date.now();
  const db = store.handle.db;
  await db
    .insertInto('users')
    .values({
      id: 1,
      name: 'alice',
      password_hash: null,
      privileges: '[]',
      admin: 0,
      disabled: 0,
      credential_version: 1,
      principal_id: newPrincipalId(),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('users')
    .values({
      id: 2,
      name: 'bob',
      password_hash: null,
      privileges: '[]',
      admin: 0,
      disabled: 0,
      credential_version: 1,
      principal_id: newPrincipalId(),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('services')
    .values({
      name: 'node1.example.com',
      app_id: null,
      secret_hash: 'x',
      disabled: 0,
      credential_version: 1,
      principal_id: newPrincipalId(),
      created_at: now,
      updated_at: now,
    })
    .execute();
  await db
    .insertInto('robots')
    .values({
      name: 'ci+builder',
      secret_hash: 'x',
      repositories: '["team/**"]',
      permission: 'write',
      expires_at: null,
      disabled: 0,
      credential_version: 1,
      principal_id: newPrincipalId(),
      created_at: now,
      updated_at: now,
    })
    .execute();
  signer = await tokenIssuer();
  secret = await ensureNotifySecret(db, SERVICE);
  port = await freePort();
});
after(async () => {
  await running?.stop();
  await store?.close();
});

/** A client acting as `subject` (tokens signed like Purser's /token would, with full access). */
function clientAs(subject: string, url: string): RegistryClient {
  return new RegistryClient({
    url,
    tokens: (access) =>
      signer.issuer.issue({
        subject,
        audience: SERVICE,
        access: access.map((a) => ({
          ...a,
          actions: a.type === 'registry' ? ['*'] : ['pull', 'push', 'delete'],
        })),
      }).token,
  });
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test(
  'events arrive, survive a restart without duplicates, and answer who pulled a digest',
  { timeout: 120_000 },
  async (t) => {
    if (!requireBinary(t, 'docker-registry')) return;
    const model = () => testModel([registry]);
    // First Purser: stores each event, then "crashes" before acknowledging the first ones (503),
    // so the registry must send them again.
    let unacknowledged = 4;
    const first = await startCatalogApp({
      handle: store.handle,
      model,
      issuer: signer.issuer,
      port,
      setup: (app) =>
        app.addHook('onSend', async (request, reply, payload) => {
          if (request.url.startsWith('/notifications/') && reply.statusCode === 200 && unacknowledged > 0) {
            unacknowledged--;
            reply.code(503);
          }
          return payload;
        }),
    });
    running = await startRegistry({
      auth: {
        token: {
          realm: `${first.url}/token`,
          service: SERVICE,
          issuer: 'purser-test',
          rootCertBundle: signer.key.certificatePem,
        },
      },
      notifications: {
        url: `http://127.0.0.1:${port}/notifications/${SERVICE}`,
        headers: { [NOTIFY_SECRET_HEADER]: [secret] },
        threshold: 2,
        backoff: '500ms',
      },
    });
    await store.handle.db
      .updateTable('registries')
      .set({ url: running.url })
      .where('id', '=', registry.id)
      .execute();

    const pushed = await pushImage(clientAs('alice', running.url), 'team/app', ['v1'], 'events test image');
    await clientAs('bob', running.url).getManifest('team/app', 'v1');
    await clientAs('node1.example.com', running.url).getManifest('team/app', pushed.digest);
    await clientAs('ci+builder', running.url).getManifest('team/app', 'v1');

    const db = store.handle.db;
    await waitFor('the first events', async () => {
      const row = await db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('source', '=', 'registry')
        .executeTakeFirst();
      return Number(row?.n) >= 4 ? true : undefined;
    });
    // Purser stops while the registry still has unacknowledged events and keeps retrying.
    await first.close();
    await clientAs('bob', running.url).getManifest('team/app', 'v1'); // happens while Purser is down
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const second = await startCatalogApp({ handle: store.handle, model, issuer: signer.issuer, port });
    try {
      // Every manifest pull (4 by principals) and the push must end up stored exactly once.
      const rows = await waitFor('all manifest pulls', async () => {
        const list = await db
          .selectFrom('audit_log')
          .selectAll()
          .where('source', '=', 'registry')
          .where('digest', '=', pushed.digest)
          .execute();
        const pulls = list.filter((r) => r.action === 'pull');
        return pulls.length >= 4 && list.some((r) => r.action === 'push') ? list : undefined;
      });
      // Give retries time to arrive, then check nothing was stored twice.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const all = await db
        .selectFrom('audit_log')
        .select(['event_id'])
        .where('source', '=', 'registry')
        .execute();
      assert.equal(new Set(all.map((r) => r.event_id)).size, all.length, 'each event id is stored once');
      assert.equal(unacknowledged, 0, 'the first Purser refused to acknowledge events it had stored');
      assert.match(running.logs(), /retrying|unaccepted|503/, 'the registry retried');
      const pushRow = rows.find((r) => r.action === 'push' && r.tag === 'v1');
      assert.equal(pushRow?.actor, 'alice');
      assert.equal(pushRow?.media_type, 'application/vnd.oci.image.manifest.v1+json');

      // Unknown registry and wrong secret: 401, nothing stored.
      const before = all.length;
      const body = JSON.stringify({
        events: [
          {
            id: 'forged',
            action: 'pull',
            target: { repository: 'team/app', digest: pushed.digest },
            actor: { name: 'mallory' },
          },
        ],
      });
      const headers = { 'content-type': 'application/vnd.docker.distribution.events.v1+json' };
      for (const [path, h] of [
        [`/notifications/${SERVICE}`, { ...headers, [NOTIFY_SECRET_HEADER]: 'wrong' }],
        [`/notifications/${SERVICE}`, headers],
        ['/notifications/unknown.test', { ...headers, [NOTIFY_SECRET_HEADER]: secret }],
      ] as const) {
        const response = await fetch(`${second.url}${path}`, { method: 'POST', headers: h, body });
        assert.equal(response.status, 401, path);
      }
      const afterForged = await db
        .selectFrom('audit_log')
        .select(['event_id'])
        .where('source', '=', 'registry')
        .execute();
      assert.equal(
        afterForged.some((r) => r.event_id === 'forged'),
        false,
      );
      assert.ok(afterForged.length >= before);

      // Who pulled this digest: users, a service and a robot, from loopback.
      const usage = await fetch(
        `${second.url}/api/v1/audit/usage?service=${SERVICE}&image=${pushed.digest}`,
        { headers: { authorization: basic(admin.name) } },
      );
      assert.equal(usage.status, 200);
      const answer = (await usage.json()) as {
        users: { principal: string; kind: string; pulls: number; addresses: string[] }[];
      };
      const who = Object.fromEntries(answer.users.map((u) => [u.principal, u]));
      assert.equal(who.bob?.kind, 'user');
      assert.ok((who.bob?.pulls ?? 0) >= 2, 'bob pulled twice (once while Purser was down)');
      assert.equal(who['node1.example.com']?.kind, 'service');
      assert.equal(who['ci+builder']?.kind, 'robot');
      assert.equal(who.alice, undefined, 'alice pushed but did not pull the manifest');
      assert.deepEqual(who.bob?.addresses, ['127.0.0.1']);
      // By repo:tag too (the index knows v1's digest from the push event).
      const byTag = (await (
        await fetch(`${second.url}/api/v1/audit/usage?service=${SERVICE}&image=team/app:v1`, {
          headers: { authorization: basic(admin.name) },
        })
      ).json()) as {
        digests: string[];
        users: { principal: string }[];
      };
      assert.deepEqual(byTag.digests, [pushed.digest]);
      assert.deepEqual(byTag.users.map((u) => u.principal).sort(), [
        'bob',
        'ci+builder',
        'node1.example.com',
      ]);
      // Non-managers may not read the audit log.
      const denied = await fetch(`${second.url}/api/v1/audit?repository=team/app`, {
        headers: { authorization: basic('bob') },
      });
      assert.equal(denied.status, 403);
      const csv = await (
        await fetch(`${second.url}/api/v1/audit/export?format=csv&repository=team/app&action=pull`, {
          headers: { authorization: basic(admin.name) },
        })
      ).text();
      assert.match(csv.split('\n')[0]!, /^id,time,source,action,actor/);
      assert.ok(csv.split('\n').filter((l) => l.includes(',pull,')).length >= 4);
    } finally {
      await second.close();
    }
  },
);
