// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} is literal policy syntax here
/** The access review's reverse queries (who-can, what-can, matrix, diff) on the fixture model. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { intersectActions } from '../domain/access.ts';
import { AuthorityError } from '../domain/errors.ts';
import { AccessController } from './access-controller.ts';
import { accessMatrix, diffAccess } from './access-matrix.ts';
import { buildModel, NOW, RULES, registryOf, users } from './fixture.test-support.ts';
import { globWitness } from './glob-witness.ts';
import { matchGlob } from './matchers.ts';
import { reviewPrincipals } from './review-principals.ts';
import { parseScopePattern } from './scope-pattern.ts';
import { whatCan } from './what-can.ts';
import { whoCan } from './who-can.ts';

const model = buildModel({ rules: RULES });
const registry = registryOf(model, 'registry.test');
const names = (entries: { kind: string; name: string }[]) => entries.map((e) => `${e.kind}:${e.name}`);

describe('who-can', () => {
  test('a literal scope lists exactly the principals /token would grant, with their actions', () => {
    const controller = new AccessController(model);
    for (const scope of [
      'repository:team/web:push,pull',
      'repository:apps/shop/web:*',
      'repository:users/alice/tool:delete',
      'repository:prod/app:push,delete',
      'registry:catalog:*',
    ]) {
      const parsed = parseScopePattern(scope);
      const expected = reviewPrincipals(model, NOW)
        .map((p) => {
          const [granted] = controller.authorize(
            p.principal,
            registry,
            [{ type: parsed.type, name: parsed.name, actions: parsed.actions }],
            undefined,
            NOW,
          );
          return { kind: p.kind, name: p.name, actions: granted!.actions };
        })
        .filter((e) => e.actions.length > 0);
      const got = whoCan(model, registry, parsed, { now: NOW });
      assert.deepEqual(
        got.map((e) => `${e.kind}:${e.name}:${[...e.actions].sort()}`).sort(),
        expected.map((e) => `${e.kind}:${e.name}:${[...e.actions].sort()}`).sort(),
        scope,
      );
    }
  });

  test('team/web: sorted by kind then name; disabled principals and expired robots are left out', () => {
    const got = whoCan(model, registry, parseScopePattern('repository:team/web:push,pull'), { now: NOW });
    assert.deepEqual(got.slice(0, 3), [
      { kind: 'robot', name: 'ci-admin', actions: ['pull', 'push'] },
      { kind: 'robot', name: 'ci-read', actions: ['pull'] },
      { kind: 'robot', name: 'ci-write', actions: ['pull', 'push'] },
    ]);
    const listed = names(got);
    assert.deepEqual(listed, [...listed].sort());
    for (const absent of [
      'user:mallory',
      'user:eve',
      'robot:ci-disabled',
      'robot:ci-expired',
      'service:node4',
    ])
      assert.ok(!listed.includes(absent), absent);
    assert.ok(listed.includes('user:alice') && listed.includes('user:root'));
  });

  test('a * scope means some repository under the prefix, decided per namespace clause and rule', () => {
    const push = whoCan(model, registry, parseScopePattern('repository:apps/shop/*:push'), { now: NOW });
    // alice is responsible for shop (ops) and published on registry.test (dev); root is admin.
    assert.deepEqual(push, [
      { kind: 'user', name: 'alice', actions: ['push'] },
      { kind: 'user', name: 'root', actions: ['push'] },
    ]);
    // no-prod-push (deny, first) beats late-allow: only the administrator pushes under prod/.
    assert.deepEqual(
      names(whoCan(model, registry, parseScopePattern('repository:prod/*:push'), { now: NOW })),
      ['user:root'],
    );
    // home/${account}/**: everyone with a name has a home, anonymous has none.
    const home = names(whoCan(model, registry, parseScopePattern('repository:home/*:delete'), { now: NOW }));
    assert.ok(home.includes('user:bob') && home.includes('service:node1') && home.includes('robot:ci-read'));
    assert.ok(!home.includes('anonymous:anonymous'));
    // bob-staging: bob (not responsible) may push under staging/ by the rule; carol (not published) may not.
    const staging = names(
      whoCan(model, registry, parseScopePattern('repository:staging/*:push'), { now: NOW }),
    );
    assert.ok(
      staging.includes('user:bob') && staging.includes('user:alice') && !staging.includes('user:carol'),
    );
  });

  test('robots expired in epoch milliseconds are left out, live ones are listed', () => {
    const robot = (id: number, name: string, expiresAt: number | null) => ({
      id,
      name,
      repositories: ['team/**'],
      permission: 'read' as const,
      expiresAt,
      disabled: false,
    });
    const m = buildModel({ robots: [robot(100, 'gone', NOW - 1), robot(101, 'live', NOW + 60_000)] });
    const got = whoCan(m, registryOf(m, 'registry.test'), parseScopePattern('repository:team/*:pull'), {
      now: NOW,
    });
    assert.ok(names(got).includes('robot:live'));
    assert.ok(!names(got).includes('robot:gone'));
  });

  test('scope mistakes are BadRequest naming the problem', () => {
    for (const [scope, words] of [
      ['apps/shop', 'type:name:actions'],
      ['repository:apps/[x]/*:push', 'reserved'],
      ['registry:cat*:*', 'repository names only'],
      ['repository:apps/*:', 'no action'],
    ] as const) {
      assert.throws(
        () => parseScopePattern(scope),
        (e: unknown) => e instanceof AuthorityError && e.code === 'BAD_REQUEST' && e.message.includes(words),
        scope,
      );
    }
    assert.equal(parseScopePattern('repository:apps/shop/*:push').pattern, 'apps/shop/**');
  });
});

describe('glob witnesses', () => {
  test('a witness matches both patterns and is a valid repository name', () => {
    for (const [a, b] of [
      ['apps/shop/**', 'apps/*/web'],
      ['**', 'users/alice/**'],
      ['team/*', 'team/**/x'],
      ['*-web', '**'],
    ] as const) {
      const w = globWitness([a, b]);
      assert.ok(w !== undefined && matchGlob(a, w) && matchGlob(b, w), `${a} ∩ ${b} = ${w}`);
    }
    assert.equal(globWitness(['apps/shop/**', 'prod/**']), undefined);
    assert.equal(globWitness(['*', 'team/**']), undefined);
  });
});

describe('what-can', () => {
  test('namespaces with the clause or rule granting each action', () => {
    const bob = { kind: 'user' as const, user: users.find((u) => u.name === 'bob')! };
    const [access] = whatCan(model, bob, [registry], { now: NOW }).registries;
    const own = access!.namespaces.find((n) => n.namespace === 'users/bob/*')!;
    assert.deepEqual(own.actions, ['pull', 'push', 'delete']);
    assert.equal(own.grants[0]!.clause, 'user-namespace');
    const staging = access!.namespaces.find((n) => n.namespace === 'staging/**')!;
    assert.deepEqual(
      staging.grants.find((g) => g.action === 'push'),
      {
        action: 'push',
        clause: 'rule',
        rule: { number: 3, id: 'bob-staging', effect: 'allow' },
        reason: "push allowed: rule #3 'bob-staging' (allow) matched",
      },
    );
    const other = access!.namespaces.find((n) => n.namespace === '*')!;
    assert.deepEqual(other.actions, ['pull']);
    assert.ok(!access!.namespaces.some((n) => n.namespace === 'catalog'));
  });

  test('a manager sees the catalog; a robot its patterns', () => {
    const manny = { kind: 'user' as const, user: users.find((u) => u.name === 'manny')! };
    const [access] = whatCan(model, manny, [registry], { now: NOW }).registries;
    assert.deepEqual(access!.namespaces.at(-1)!.namespace, 'catalog');
    const robot = { kind: 'robot' as const, robot: model.robots.byName.get('ci-write')! };
    const [r] = whatCan(model, robot, [registry], { now: NOW }).registries;
    // Its own pattern, and the rules that reach robots: home/${account}/**, late-allow's delete
    // on prod/** (no-prod-push denies the push), public-pull.
    assert.deepEqual(
      r!.namespaces.map((n) => [n.namespace, n.actions.join(',')]),
      [
        ['team/*', 'pull,push'],
        ['home/ci-write/**', 'pull,push,delete'],
        ['prod/**', 'delete'],
        ['public/*', 'pull'],
      ],
    );
  });
});

describe('matrix and diff', () => {
  test('the matrix has one row per principal and namespace with an allowed action', () => {
    const rows = accessMatrix(model, registry, { now: NOW });
    assert.ok(rows.every((r) => r.actions.length > 0 && r.grantedBy.length === r.actions.length));
    assert.ok(rows.some((r) => r.name === 'manny' && r.namespace === 'catalog'));
    const keys = rows.map((r) => `${r.kind}\u0000${r.name}`);
    assert.deepEqual(keys, [...keys].sort());
  });

  test('moving alice out of ops: she loses groups/ops/* and the push of a responsible', () => {
    const moved = users.map((u) => (u.name === 'alice' ? { ...u, groups: [10] } : u));
    const changes = diffAccess(model, buildModel({ rules: RULES, users: moved }), { now: NOW }).filter(
      (c) => c.registry === 'registry.test',
    );
    assert.ok(
      changes.every((c) => c.kind === 'user' && c.name === 'alice'),
      JSON.stringify(changes),
    );
    const at = (ns: string) => changes.find((c) => c.namespace === ns);
    assert.deepEqual(at('groups/ops/*'), {
      registry: 'registry.test',
      kind: 'user',
      name: 'alice',
      namespace: 'groups/ops/*',
      before: ['pull', 'push', 'delete'],
      after: [],
    });
    assert.deepEqual(at('*')?.after, ['pull']);
    assert.deepEqual(at('apps/shop/*')?.after, ['pull']);
    assert.deepEqual(diffAccess(model, model, { now: NOW }), []);
  });

  test('a new rule shows as the principals it changes, nowhere else', () => {
    const rule = {
      id: 'anon-docs',
      effect: 'allow' as const,
      actions: ['pull' as const],
      repository: 'docs/**',
    };
    const changes = diffAccess(model, buildModel({ rules: [...RULES, rule] }), { now: NOW }).filter(
      (c) => c.registry === 'registry.test',
    );
    assert.ok(changes.length > 0);
    assert.ok(
      changes.every(
        (c) => c.namespace === 'docs/**' && c.after.includes('pull') && !c.before.includes('pull'),
      ),
    );
    assert.ok(changes.some((c) => c.kind === 'anonymous'));
    assert.deepEqual(intersectActions(['pull'], new Set(changes[0]!.after)), ['pull']);
  });
});
