/**
 * Table test of the seed access model (no custom rules): every clause and every "never".
 * Each row: who, registry service, scope, the exact allowed set, and optionally the seed
 * clause that must have decided one action and words its reason must contain.
 * Over 300 lines on purpose: the case table is long, and one file per module under test.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decide, explain } from './engine.ts';
import { buildModel, NOW, principal, registryOf, resource } from './fixture.test-support.ts';

interface Row {
  readonly who: string;
  readonly on: string;
  readonly scope: string;
  /** Comma-separated allowed actions, '' for nothing. */
  readonly allowed: string;
  /** `action=clause` the explanation must show. */
  readonly clause?: string;
  /** Words the reason of the clause's action must contain. */
  readonly says?: string;
}

const R = 'registry.test';
const L = 'locked.test';
const ALL = 'pull,push,delete';

const PRIVATE: Row[] = [
  // any other prefix, unrestricted registry
  {
    who: 'alice',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: ALL,
    clause: 'pull=registry-groups',
    says: 'group dev, a publication group of registry.test',
  },
  {
    who: 'alice',
    on: R,
    scope: 'repository:team/web:push',
    allowed: ALL,
    clause: 'push=registry-groups',
    says: 'group ops, a responsible group',
  },
  {
    who: 'bob',
    on: R,
    scope: 'repository:team/web:push',
    allowed: 'pull',
    clause: 'push=responsible',
    says: "none of registry.test's responsible groups (ops)",
  },
  // interpretation: on an unrestricted registry a push also needs published(U,R)
  {
    who: 'carol',
    on: R,
    scope: 'repository:team/web:push',
    allowed: '',
    clause: 'push=publication',
    says: "none of registry.test's publication groups (dev, qa)",
  },
  { who: 'carol', on: R, scope: 'repository:team/web:pull', allowed: '', clause: 'pull=publication' },
  {
    who: 'dave',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: '',
    clause: 'pull=privilege',
    says: 'lacks the DockerRegistriesPuller privilege',
  },
  {
    who: 'dave',
    on: R,
    scope: 'repository:team/web:push',
    allowed: '',
    clause: 'push=privilege',
    says: 'DockerRegistriesPusher',
  },
  { who: 'erin', on: R, scope: 'repository:team/web:push', allowed: 'pull', clause: 'push=privilege' },
  { who: 'quinn', on: R, scope: 'repository:team/web:pull', allowed: 'pull', says: 'group qa' },
  { who: 'pat', on: R, scope: 'repository:team/web:pull', allowed: '', clause: 'pull=privilege' },
  { who: 'bob', on: R, scope: 'repository:web:pull', allowed: 'pull' },
  // restricted registry
  { who: 'alice', on: L, scope: 'repository:team/web:push', allowed: ALL },
  {
    who: 'bob',
    on: L,
    scope: 'repository:team/web:push',
    allowed: 'pull',
    clause: 'push=responsible',
    says: 'locked.test is restricted and bob is in none of its responsible groups (ops)',
  },
  // carol: responsible on a restricted registry may push, hence pull (a push needs both)
  {
    who: 'carol',
    on: L,
    scope: 'repository:team/web:pull',
    allowed: ALL,
    clause: 'pull=push-implies-pull',
    says: 'whoever may push may also pull',
  },
  {
    who: 'carol',
    on: L,
    scope: 'repository:team/web:delete',
    allowed: ALL,
    clause: 'delete=delete-follows-push',
  },
  { who: 'dave', on: L, scope: 'repository:team/web:pull', allowed: '' },
  { who: 'erin', on: L, scope: 'repository:team/web:pull', allowed: 'pull' },
  // users/<id or name>/...
  {
    who: 'bob',
    on: R,
    scope: 'repository:users/bob/app:push',
    allowed: ALL,
    clause: 'push=user-namespace',
    says: "bob's own namespace",
  },
  { who: 'bob', on: R, scope: 'repository:users/2/app:push', allowed: ALL, clause: 'push=user-namespace' },
  { who: 'bob', on: R, scope: 'repository:users/bob:push', allowed: ALL },
  {
    who: 'alice',
    on: R,
    scope: 'repository:users/bob/app:pull',
    allowed: '',
    clause: 'pull=user-namespace',
    says: 'namespace of user bob, not alice',
  },
  { who: 'alice', on: R, scope: 'repository:users/2/app:pull', allowed: '' },
  { who: 'alice', on: R, scope: 'repository:users/bob:pull', allowed: '' },
  { who: 'alice', on: R, scope: 'repository:users/nobody/app:pull', allowed: '' },
  // interpretation: users/<me>/... still needs the registry-level permission
  { who: 'carol', on: R, scope: 'repository:users/carol/app:pull', allowed: '', clause: 'pull=publication' },
  {
    who: 'carol',
    on: L,
    scope: 'repository:users/carol/app:pull',
    allowed: ALL,
    clause: 'pull=push-implies-pull',
  },
  { who: 'bob', on: L, scope: 'repository:users/bob/app:push', allowed: 'pull', clause: 'push=responsible' },
  { who: 'dave', on: R, scope: 'repository:users/dave/app:pull', allowed: '', clause: 'pull=privilege' },
  { who: 'erin', on: R, scope: 'repository:users/erin/app:push', allowed: 'pull', clause: 'push=privilege' },
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:users/bob/app:pull',
    allowed: '',
    clause: 'pull=service-never',
    says: 'services never access users/',
  },
  {
    who: 'robot:ci-write',
    on: R,
    scope: 'repository:users/bob/app:pull',
    allowed: '',
    clause: 'pull=robot-repositories',
  },
  // groups/<id or name>/...
  {
    who: 'bob',
    on: R,
    scope: 'repository:groups/dev/x:push',
    allowed: ALL,
    clause: 'push=group-namespace',
    says: 'member of group dev',
  },
  { who: 'bob', on: R, scope: 'repository:groups/10/x:push', allowed: ALL },
  {
    who: 'bob',
    on: R,
    scope: 'repository:groups/ops/x:pull',
    allowed: '',
    clause: 'pull=group-namespace',
    says: 'bob is not a member of group ops',
  },
  { who: 'bob', on: R, scope: 'repository:groups/11/x:pull', allowed: '' },
  {
    who: 'bob',
    on: R,
    scope: 'repository:groups/nosuch/x:pull',
    allowed: '',
    clause: 'pull=group-namespace',
    says: 'no group nosuch exists',
  },
  { who: 'alice', on: R, scope: 'repository:groups/ops/x:push', allowed: ALL },
  { who: 'carol', on: R, scope: 'repository:groups/ops/x:pull', allowed: '', clause: 'pull=publication' },
  { who: 'carol', on: L, scope: 'repository:groups/ops/x:push', allowed: ALL },
  { who: 'erin', on: R, scope: 'repository:groups/dev/x:push', allowed: 'pull' },
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:groups/dev/x:pull',
    allowed: '',
    clause: 'pull=service-never',
    says: 'services never access groups/',
  },
  // apps/<id or name>/...
  {
    who: 'bob',
    on: R,
    scope: 'repository:apps/shop/x:push',
    allowed: 'pull',
    clause: 'push=app-namespace',
    says: 'none of the groups responsible for app shop (ops)',
  },
  {
    who: 'bob',
    on: R,
    scope: 'repository:apps/shop/x:pull',
    allowed: 'pull',
    clause: 'pull=app-namespace',
    says: 'to which app shop is published',
  },
  { who: 'alice', on: R, scope: 'repository:apps/shop/x:push', allowed: ALL, clause: 'push=app-namespace' },
  { who: 'alice', on: R, scope: 'repository:apps/20/x:push', allowed: ALL },
  {
    who: 'quinn',
    on: R,
    scope: 'repository:apps/shop/x:pull',
    allowed: '',
    clause: 'pull=app-namespace',
    says: 'none of the groups published to app shop (dev)',
  },
  { who: 'quinn', on: R, scope: 'repository:apps/billing/x:push', allowed: ALL },
  { who: 'carol', on: R, scope: 'repository:apps/shop/x:push', allowed: '', clause: 'push=publication' },
  { who: 'carol', on: L, scope: 'repository:apps/shop/x:push', allowed: ALL },
  {
    who: 'alice',
    on: R,
    scope: 'repository:apps/nosuch/x:pull',
    allowed: '',
    clause: 'pull=app-namespace',
    says: 'no app nosuch exists',
  },
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:apps/shop/x:pull',
    allowed: 'pull',
    clause: 'pull=service-app',
    says: 'service node1 belongs to app shop',
  },
  { who: 'service:node1', on: R, scope: 'repository:apps/20/x:pull', allowed: 'pull' },
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:apps/shop/x:push',
    allowed: 'pull',
    clause: 'push=service-never',
    says: 'services never push',
  },
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:apps/shop/x:delete',
    allowed: 'pull',
    clause: 'delete=delete-follows-push',
  },
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:apps/billing/x:pull',
    allowed: '',
    says: 'belongs to app shop, not billing',
  },
  {
    who: 'service:node2',
    on: R,
    scope: 'repository:apps/shop/x:pull',
    allowed: '',
    says: 'belongs to no application',
  },
  { who: 'service:node5', on: R, scope: 'repository:apps/shop/x:pull', allowed: '', says: 'does not exist' },
  // services on other prefixes
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: 'pull',
    clause: 'pull=service-app',
    says: 'published to group dev, a publication group of registry.test',
  },
  {
    who: 'service:node1',
    on: R,
    scope: 'repository:team/web:push',
    allowed: 'pull',
    clause: 'push=service-never',
  },
  { who: 'service:node1', on: L, scope: 'repository:team/web:pull', allowed: 'pull' },
  {
    who: 'service:node1',
    on: 'elsewhere.test',
    scope: 'repository:team/web:pull',
    allowed: '',
    says: 'published to none of',
  },
  { who: 'service:node3', on: R, scope: 'repository:team/web:pull', allowed: '', clause: 'pull=service-app' },
  { who: 'service:node2', on: R, scope: 'repository:team/web:pull', allowed: '' },
  {
    who: 'service:node4',
    on: R,
    scope: 'repository:apps/shop/x:pull',
    allowed: '',
    clause: 'pull=disabled',
    says: 'service node4 is disabled',
  },
  // robots
  {
    who: 'robot:ci-read',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: 'pull',
    clause: 'pull=robot-permission',
  },
  {
    who: 'robot:ci-read',
    on: R,
    scope: 'repository:team/web:push',
    allowed: 'pull',
    clause: 'push=robot-permission',
    says: 'push needs write or admin',
  },
  {
    who: 'robot:ci-read',
    on: R,
    scope: 'repository:team/api:pull',
    allowed: '',
    clause: 'pull=robot-repositories',
    says: 'may only access team/web',
  },
  {
    who: 'robot:ci-write',
    on: R,
    scope: 'repository:team/api:push',
    allowed: 'pull,push',
    clause: 'delete=robot-permission',
    says: 'delete needs admin',
  },
  { who: 'robot:ci-write', on: R, scope: 'repository:team/api/sub:pull', allowed: '' },
  { who: 'robot:ci-write', on: 'elsewhere.test', scope: 'repository:team/api:push', allowed: 'pull,push' },
  { who: 'robot:ci-admin', on: R, scope: 'repository:team/api/sub:delete', allowed: ALL },
  { who: 'robot:ci-admin', on: R, scope: 'repository:users/alice/tool:push', allowed: ALL },
  { who: 'robot:ci-admin', on: R, scope: 'repository:users/alice/other:pull', allowed: '' },
  { who: 'robot:ci-admin', on: R, scope: 'repository:teamx/api:pull', allowed: '' },
  {
    who: 'robot:ci-expired',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: '',
    clause: 'pull=robot-expired',
    says: 'expired at',
  },
  {
    who: 'robot:ci-now',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: '',
    clause: 'pull=robot-expired',
  },
  {
    who: 'robot:ci-disabled',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: '',
    clause: 'pull=disabled',
  },
  // administrators, disabled users, anonymous
  {
    who: 'root',
    on: R,
    scope: 'repository:team/web:delete',
    allowed: ALL,
    clause: 'delete=admin',
    says: 'root is an administrator',
  },
  { who: 'root', on: L, scope: 'repository:users/bob/x:push', allowed: ALL },
  { who: 'root', on: R, scope: 'repository:groups/ops/x:push', allowed: ALL },
  { who: 'root', on: R, scope: 'repository:apps/shop/x:push', allowed: ALL },
  {
    who: 'mallory',
    on: R,
    scope: 'repository:team/web:pull',
    allowed: '',
    clause: 'pull=disabled',
    says: 'user mallory is disabled',
  },
  { who: 'mallory', on: R, scope: 'repository:users/mallory/x:pull', allowed: '' },
  { who: 'eve', on: R, scope: 'repository:team/web:pull', allowed: '', clause: 'pull=disabled' },
  { who: 'anonymous', on: R, scope: 'repository:team/web:pull', allowed: '', clause: 'pull=anonymous' },
  { who: 'anonymous', on: R, scope: 'repository:users/bob/x:pull', allowed: '' },
  { who: 'anonymous', on: R, scope: 'repository:apps/shop/x:pull', allowed: '' },
  // a first component that is a host is just a name: not the users/, groups/ or apps/ namespace
  {
    who: 'bob',
    on: R,
    scope: 'repository:registry.test/users/alice/x:pull',
    allowed: 'pull',
    clause: 'pull=registry-groups',
  },
  {
    who: 'bob',
    on: R,
    scope: 'repository:localhost:5000/groups/ops/x:pull',
    allowed: 'pull',
    clause: 'pull=registry-groups',
  },
  { who: 'service:node1', on: R, scope: 'repository:127.0.0.1:5000/users/bob/x:pull', allowed: 'pull' },
  // registry:catalog:*
  { who: 'root', on: R, scope: 'registry:catalog:*', allowed: '*', clause: '*=admin' },
  {
    who: 'manny',
    on: R,
    scope: 'registry:catalog:*',
    allowed: '*',
    clause: '*=catalog',
    says: 'manager in group ops',
  },
  { who: 'manny', on: 'elsewhere.test', scope: 'registry:catalog:*', allowed: '', clause: '*=responsible' },
  { who: 'mona', on: R, scope: 'registry:catalog:*', allowed: '', clause: '*=responsible' },
  {
    who: 'alice',
    on: R,
    scope: 'registry:catalog:*',
    allowed: '',
    clause: '*=privilege',
    says: 'DockerRegistriesManager',
  },
  { who: 'mallory', on: R, scope: 'registry:catalog:*', allowed: '', clause: '*=disabled' },
  { who: 'eve', on: R, scope: 'registry:catalog:*', allowed: '', clause: '*=disabled' },
  { who: 'anonymous', on: R, scope: 'registry:catalog:*', allowed: '' },
  { who: 'service:node1', on: R, scope: 'registry:catalog:*', allowed: '' },
  { who: 'robot:ci-admin', on: R, scope: 'registry:catalog:*', allowed: '' },
  { who: 'root', on: R, scope: 'registry:other:*', allowed: '', clause: '*=unknown-resource' },
];

const PUBLIC: Row[] = [
  { who: 'dave', on: R, scope: 'repository:team/web:push', allowed: ALL },
  { who: 'dave', on: R, scope: 'repository:users/dave/x:push', allowed: ALL },
  { who: 'pat', on: R, scope: 'repository:team/web:pull', allowed: '', clause: 'pull=publication' },
  { who: 'pat', on: 'elsewhere.test', scope: 'repository:team/web:push', allowed: ALL },
  { who: 'carol', on: R, scope: 'repository:team/web:pull', allowed: '' },
  { who: 'bob', on: R, scope: 'repository:team/web:push', allowed: 'pull' },
  { who: 'olga', on: R, scope: 'registry:catalog:*', allowed: '*', clause: '*=catalog' },
  { who: 'dave', on: R, scope: 'registry:catalog:*', allowed: '*' },
  { who: 'mona', on: R, scope: 'registry:catalog:*', allowed: '', clause: '*=responsible' },
  { who: 'anonymous', on: R, scope: 'repository:team/web:pull', allowed: '' },
  { who: 'mallory', on: R, scope: 'repository:team/web:pull', allowed: '' },
  { who: 'service:node1', on: R, scope: 'repository:team/web:push', allowed: 'pull' },
];

function runTable(rows: readonly Row[], mode: 'private' | 'public'): void {
  const model = buildModel({ mode });
  for (const row of rows) {
    test(`${mode}: ${row.who} on ${row.on} ${row.scope} -> {${row.allowed}}`, () => {
      const request = {
        principal: principal(model, row.who),
        registry: registryOf(model, row.on),
        resource: resource(row.scope),
        now: NOW,
      };
      const decision = decide(model, request);
      const expected = row.allowed === '' ? [] : row.allowed.split(',');
      assert.deepEqual([...decision.allowed].sort(), [...expected].sort());
      const requested = request.resource.actions;
      assert.deepEqual(
        decision.granted,
        requested.filter((action) => decision.allowed.has(action)),
      );
      for (const action of requested) {
        const reason = decision.reasons[action] ?? '';
        assert.ok(
          reason.startsWith(`${action} allowed: `) || reason.startsWith(`${action} denied: `),
          reason,
        );
      }
      if (row.clause || row.says) {
        const [action, clause] = (row.clause ?? `${requested[0]}=`).split('=') as [string, string];
        const verdict = explain(model, request).actions.find((v) => v.action === action);
        assert.ok(verdict, `no verdict for ${action}`);
        if (clause) assert.equal(verdict.clause, clause, verdict.reason);
        if (row.says) assert.ok(verdict.reason.includes(row.says), `"${verdict.reason}" lacks "${row.says}"`);
        assert.equal(decision.reasons[action], verdict.reason);
      }
    });
  }
}

describe('seed access model, private mode', () => runTable(PRIVATE, 'private'));
describe('seed access model, public mode', () => runTable(PUBLIC, 'public'));

describe('requests and grants', () => {
  const model = buildModel();
  const at = (who: string, scope: string, on = R) =>
    decide(model, {
      principal: principal(model, who),
      registry: registryOf(model, on),
      resource: resource(scope),
      now: NOW,
    });

  test('a requested * means every allowed action', () => {
    assert.deepEqual(at('alice', 'repository:team/web:*').granted, ['pull', 'push', 'delete']);
    assert.deepEqual(at('bob', 'repository:team/web:*').granted, ['pull']);
    assert.deepEqual(at('carol', 'repository:team/web:*').granted, []);
    assert.deepEqual(at('robot:ci-write', 'repository:team/api:*').granted, ['pull', 'push']);
    assert.deepEqual(at('root', 'registry:catalog:*').granted, ['*']);
    assert.deepEqual(at('manny', 'registry:catalog:*').granted, ['*']);
  });

  test('the grant is the intersection of requested and allowed, never an error', () => {
    assert.deepEqual(at('bob', 'repository:team/web:pull,push').granted, ['pull']);
    assert.deepEqual(at('bob', 'repository:team/web:delete').granted, []);
    assert.deepEqual(at('alice', 'repository:team/web:push,pull').granted, ['push', 'pull']);
    assert.deepEqual(at('alice', 'repository:team/web:').granted, []);
  });

  test('delete is allowed exactly where push is (users and services)', () => {
    for (const [who, scope, on] of [
      ['alice', 'repository:team/web:delete', R],
      ['bob', 'repository:users/bob/x:delete', R],
      ['bob', 'repository:team/web:delete', R],
      ['carol', 'repository:team/web:delete', L],
      ['erin', 'repository:groups/dev/x:delete', R],
      ['service:node1', 'repository:apps/shop/x:delete', R],
    ] as const) {
      const decision = at(who, scope, on);
      assert.equal(decision.allowed.has('delete'), decision.allowed.has('push'), `${who} ${scope}`);
    }
  });

  test('an unknown action is denied with a reason; catalog only knows *', () => {
    const decision = at('alice', 'repository:team/web:pull,frobnicate');
    assert.deepEqual(decision.granted, ['pull']);
    assert.match(
      decision.reasons.frobnicate ?? '',
      /^frobnicate denied: repositories only know pull, push and delete/,
    );
    const catalog = at('root', 'registry:catalog:pull');
    assert.deepEqual(catalog.granted, []);
    assert.match(catalog.reasons.pull ?? '', /only knows the action \*/);
  });

  test('robot expiry uses the request clock', () => {
    const robot = principal(model, 'robot:ci-admin');
    const registry = registryOf(model, R);
    const request = { principal: robot, registry, resource: resource('repository:team/web:pull') };
    assert.deepEqual(decide(model, { ...request, now: NOW }).granted, ['pull']);
    assert.deepEqual(decide(model, { ...request, now: NOW + 31 * 86_400_000 }).granted, []);
  });

  test('a registry object not in the model is still evaluated by its own groups', () => {
    const foreign = { ...registryOf(model, R), publications: [14], responsibles: [14] };
    const decision = decide(model, {
      principal: principal(model, 'bob'),
      registry: foreign,
      resource: resource('repository:team/web:pull'),
      now: NOW,
    });
    assert.deepEqual([...decision.allowed], []);
  });
});
