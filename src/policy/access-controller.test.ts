import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { parseScopes } from '../domain/access.ts';
import { BadRequest, NotFound } from '../domain/errors.ts';
import type { App, Group, Principal, Registry, User } from '../domain/model.ts';
import { AccessController } from './access-controller.ts';
import { AccessModel } from './access-model.ts';
import { explainAccess } from './explain-request.ts';
import { formatExplanation } from './explanation-format.ts';
import { buildModel, NOW, principal, RULES, registryOf } from './fixture.test-support.ts';
import { AccessRuleSchema } from './rule-schema.ts';

describe('AccessController.authorize', () => {
  test('one entry per requested resource, in order, empty actions when nothing is allowed', () => {
    const model = buildModel();
    const controller = new AccessController(model);
    const accesses = parseScopes([
      'repository:team/web:pull,push repository:users/bob/x:*',
      'registry:catalog:* repository:users/alice/x:pull',
    ]);
    const granted = controller.authorize(
      principal(model, 'bob'),
      registryOf(model, 'registry.test'),
      accesses,
    );
    assert.deepEqual(granted, [
      { type: 'repository', name: 'team/web', actions: ['pull'] },
      { type: 'repository', name: 'users/bob/x', actions: ['pull', 'push', 'delete'] },
      { type: 'registry', name: 'catalog', actions: [] },
      { type: 'repository', name: 'users/alice/x', actions: [] },
    ]);
  });

  test('sourceAddress and now reach the rules and the robot expiry', () => {
    const model = buildModel({ rules: RULES });
    const controller = new AccessController(model);
    const registry = registryOf(model, 'registry.test');
    const accesses = parseScopes(['repository:ops-tools/deploy:push']);
    const carol = principal(model, 'carol');
    assert.deepEqual(controller.authorize(carol, registry, accesses, '10.1.0.9')[0]?.actions, ['push']);
    assert.deepEqual(controller.authorize(carol, registry, accesses, '10.9.0.9')[0]?.actions, []);
    const robot = principal(model, 'robot:ci-admin');
    const team = parseScopes(['repository:team/web:pull']);
    assert.deepEqual(controller.authorize(robot, registry, team, undefined, NOW)[0]?.actions, ['pull']);
    assert.deepEqual(
      controller.authorize(robot, registry, team, undefined, NOW + 40 * 86_400_000)[0]?.actions,
      [],
    );
  });

  test('replaceModel swaps the snapshot', () => {
    const controller = new AccessController(buildModel());
    const before = controller.model;
    const accesses = parseScopes(['repository:prod/app:push']);
    const alice = principal(before, 'alice');
    const registry = registryOf(before, 'registry.test');
    assert.deepEqual(controller.authorize(alice, registry, accesses)[0]?.actions, ['push']);
    controller.replaceModel(buildModel({ rules: [RULES[0]!] }));
    assert.notEqual(controller.model, before);
    assert.deepEqual(controller.authorize(alice, registry, accesses)[0]?.actions, []);
    assert.match(
      controller.decide({ principal: alice, registry, resource: accesses[0]! }).reasons.push ?? '',
      /no-prod-push/,
    );
    assert.equal(
      controller.explain({ principal: alice, registry, resource: accesses[0]! }).rules[0]?.matched,
      true,
    );
  });

  test('AccessModel refuses duplicate ids and names', () => {
    assert.throws(
      () =>
        new AccessModel({
          groups: [
            { id: 1, name: 'dev' },
            { id: 1, name: 'dev' },
          ],
        }),
      /groups: duplicate id 1[\s\S]*groups: duplicate name "dev"/,
    );
  });

  test('principalFor resolves users, then services, then robots, and anonymous', () => {
    const model = buildModel();
    assert.equal(model.principalFor('alice')?.kind, 'user');
    assert.equal(model.principalFor('node1')?.kind, 'service');
    assert.equal(model.principalFor('ci-read')?.kind, 'robot');
    assert.equal(model.principalFor('anonymous')?.kind, 'anonymous');
    assert.equal(model.principalFor('nobody'), undefined);
  });
});

describe('scale', () => {
  test('10k users, 1k groups, 1k apps: 100k decisions agree with a naive oracle', () => {
    const groups: Group[] = Array.from({ length: 1000 }, (_, i) => ({ id: i + 1, name: `g${i + 1}` }));
    const users: User[] = Array.from({ length: 10_000 }, (_, i) => ({
      id: 100_000 + i,
      name: `u${i}`,
      groups: [(i % 1000) + 1, ((i * 7) % 1000) + 1],
      privileges:
        i % 10 === 0 ? ['DockerRegistriesPuller'] : ['DockerRegistriesPuller', 'DockerRegistriesPusher'],
      admin: false,
      disabled: i % 97 === 0,
    }));
    const apps: App[] = Array.from({ length: 1000 }, (_, i) => ({
      id: 5000 + i,
      name: `a${i}`,
      publications: [(i % 1000) + 1],
      responsibles: [((i + 3) % 1000) + 1],
    }));
    const registry: Registry = {
      id: 1,
      service: 'big.test',
      url: 'http://big.test',
      insecure: false,
      restricted: false,
      publications: Array.from({ length: 300 }, (_, i) => i * 3 + 1),
      responsibles: Array.from({ length: 100 }, (_, i) => i * 10 + 1),
    };
    const model = new AccessModel({ users, groups, apps, registries: [registry] });
    const controller = new AccessController(model);
    const pub = new Set(registry.publications);
    const resp = new Set(registry.responsibles);
    const oracle = (user: User, repo: string): string[] => {
      if (user.disabled) return [];
      const published = user.groups.some((g) => pub.has(g));
      const responsible = user.groups.some((g) => resp.has(g));
      const pusher = user.privileges.includes('DockerRegistriesPusher');
      const [first, owner] = repo.split('/');
      let nsPull = published;
      let nsPush = responsible;
      if (first === 'users') nsPull = nsPush = owner === user.name || owner === String(user.id);
      if (first === 'groups') nsPull = nsPush = user.groups.includes(Number(owner?.slice(1)));
      if (first === 'apps') {
        const app = apps[Number(owner?.slice(1))]!;
        nsPull = user.groups.some((g) => app.publications.includes(g));
        nsPush = user.groups.some((g) => app.responsibles.includes(g));
      }
      const push = pusher && published && nsPush;
      const pull = (published && nsPull) || push;
      return ['pull', 'push', 'delete'].filter((a) => (a === 'pull' ? pull : push));
    };
    let checked = 0;
    let allowedSome = 0;
    for (let i = 0; i < 100_000; i++) {
      const user = users[(i * 7919) % users.length]!;
      const k = i % 5;
      const repo =
        k === 0
          ? `users/${i % 3 === 0 ? user.name : `u${(i * 31) % 10_000}`}/r${i}`
          : k === 1
            ? `groups/g${(i % 1000) + 1}/r${i}`
            : k === 2
              ? `apps/a${i % 1000}/r${i}`
              : `team${i % 50}/r${i}`;
      const who: Principal = { kind: 'user', user };
      const [grant] = controller.authorize(who, registry, [
        { type: 'repository', name: repo, actions: ['*'] },
      ]);
      const expected = oracle(user, repo);
      if (expected.length > 0) allowedSome++;
      assert.deepEqual(grant?.actions, expected, `${user.name} ${repo}`);
      checked++;
    }
    assert.equal(checked, 100_000);
    assert.ok(allowedSome > 10_000 && allowedSome < 90_000, `a mix of grants and denials (${allowedSome})`);
  });
});

describe('explainAccess', () => {
  const model = buildModel({ rules: RULES });

  test('resolves the account and the registry and explains each scope', () => {
    const [first, second] = explainAccess(model, {
      account: 'alice',
      service: 'registry.test',
      scope: 'repository:prod/app:pull,push registry:catalog:*',
      now: NOW,
    });
    assert.deepEqual(first?.granted, ['pull']);
    assert.equal(first?.actions.find((v) => v.action === 'push')?.rule?.id, 'no-prod-push');
    assert.deepEqual(second?.granted, []);
    assert.match(
      formatExplanation(first!),
      /push denied: rule #1 'no-prod-push' \(deny\) matched {2}\[rule #1 'no-prod-push'\]/,
    );
  });

  test('unknown account, unknown registry and bad scope are one-line errors', () => {
    const query = { account: 'alice', service: 'registry.test', scope: 'repository:team/web:pull' };
    assert.throws(() => explainAccess(model, { ...query, account: 'nobody' }), NotFound);
    assert.throws(
      () => explainAccess(model, { ...query, service: 'nowhere.test' }),
      /no registry with service "nowhere.test"/,
    );
    assert.throws(() => explainAccess(model, { ...query, scope: 'repository:Team/Web:pull' }), BadRequest);
    assert.throws(() => explainAccess(model, { ...query, scope: 'widget:x:pull' }), BadRequest);
  });

  test('AccessRuleSchema accepts the fixture rules and rejects unknown keys', () => {
    for (const rule of RULES) assert.ok(Value.Check(AccessRuleSchema, rule), JSON.stringify(rule));
    assert.ok(!Value.Check(AccessRuleSchema, { effect: 'allow', actions: ['pull'], colour: 'red' }));
    assert.ok(!Value.Check(AccessRuleSchema, { effect: 'allow', actions: [] }));
  });
});
