// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} and ${group} are literal policy syntax here
/**
 * The agreement property: in random worlds (users, groups, apps, services, robots, registries,
 * rules, both modes), who-can lists exactly the principals the token endpoint's decision path
 * grants (the login's mayAct check, then AccessController.authorize as TokenService.issue
 * calls it), with the same actions, for every principal and sampled scopes. For prefix scopes
 * (`team/*`), whatever a concrete repository under the prefix grants is reported, and every
 * action reported is granted on some valid repository under it. Seeded and bounded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type Action, isRepositoryName, type ResourceActions } from '../domain/access.ts';
import type { App, Principal, Privilege, Registry, Robot, Service, User } from '../domain/model.ts';
import { mayAct } from '../domain/standing.ts';
import { AccessController } from './access-controller.ts';
import { AccessModel } from './access-model.ts';
import { matchGlob } from './matchers.ts';
import { reviewPrincipals } from './review-principals.ts';
import { WitnessPlanner } from './review-witnesses.ts';
import type { AccessRule, RuleAction } from './rule.ts';
import { parseScopePattern, sortActions } from './scope-pattern.ts';
import { whoCan } from './who-can.ts';

const NOW = Date.UTC(2026, 11, 1);
const GROUPS = ['dev', 'ops', 'qa', 'sec'];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];
const APPS = ['shop', 'billing', 'web'];
const PRIVILEGES: Privilege[] = [
  'DockerRegistriesPuller',
  'DockerRegistriesPusher',
  'DockerRegistriesManager',
];
const ROBOT_PATTERNS = ['team/**', 'team/*', 'apps/shop/**', 'users/alice/tool', 'prod/*'];
const RULE_PATTERNS = [
  'team/**',
  'team/*',
  'team/web',
  'prod/**',
  'apps/*/web',
  'apps/shop/**',
  'home/${account}/**',
  'teams/${group}/**',
  'users/*/x',
  '*',
];
const SCOPE_ACTIONS: Action[][] = [['pull'], ['push'], ['delete'], ['pull', 'push'], ['*']];
const PREFIXES = [
  'team/*',
  'prod/*',
  'apps/shop/*',
  'apps/*',
  'users/*',
  'groups/*',
  '*',
  'home/*',
  'teams/*',
  '**',
];

const subset = <T>(items: readonly T[]) => fc.subarray([...items]);
const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

const world = fc
  .record({
    groups: fc.integer({ min: 1, max: GROUPS.length }),
    users: fc.integer({ min: 0, max: USERS.length }),
    apps: fc.integer({ min: 0, max: APPS.length }),
    services: fc.integer({ min: 0, max: 3 }),
    robots: fc.integer({ min: 0, max: 3 }),
    registries: fc.integer({ min: 1, max: 2 }),
    rules: fc.integer({ min: 0, max: 4 }),
    mode: fc.constantFrom('private' as const, 'public' as const),
  })
  .chain((n) => {
    const groupIds = ids(n.groups);
    const groupSubset = subset(groupIds);
    const user = (name: string, id: number) =>
      fc
        .record({
          groups: fc.shuffledSubarray(groupIds),
          privileges: subset(PRIVILEGES),
          admin: fc.boolean().map((b) => b && id === 1),
          disabled: fc.integer({ min: 0, max: 6 }).map((x) => x === 0),
        })
        .map((u): User => ({ id, name, ...u }));
    const app = (name: string, id: number) =>
      fc
        .record({ publications: groupSubset, responsibles: groupSubset })
        .map((a): App => ({ id, name, ...a }));
    const service = (id: number) =>
      fc
        .record({
          appId: fc.option(fc.integer({ min: 1, max: Math.max(1, n.apps) }), { nil: null }),
          disabled: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
        })
        .map((s): Service => ({ id, name: `node${id}`, ...s }));
    const robot = (id: number) =>
      fc
        .record({
          repositories: fc.subarray(ROBOT_PATTERNS, { minLength: 1 }),
          permission: fc.constantFrom('read' as const, 'write' as const, 'admin' as const),
          expiresAt: fc.constantFrom(null, NOW - 3_600_000, NOW + 3_600_000),
          disabled: fc.integer({ min: 0, max: 5 }).map((x) => x === 0),
        })
        .map((r): Robot => ({ id, name: `ci+r${id}`, ...r }));
    const registry = (id: number) =>
      fc.record({ restricted: fc.boolean(), publications: groupSubset, responsibles: groupSubset }).map(
        (r): Registry => ({
          id,
          service: id === 1 ? 'registry.test' : 'mirror.test',
          url: `http://127.0.0.1:${5000 + id}`,
          insecure: false,
          ...r,
        }),
      );
    const rule = fc
      .record(
        {
          effect: fc.constantFrom('allow' as const, 'deny' as const),
          actions: fc.subarray<RuleAction>(['pull', 'push', 'delete', '*'], { minLength: 1 }),
          repository: fc.constantFrom(...RULE_PATTERNS),
          registry: fc.constantFrom('registry.*', 'mirror.test'),
          principals: fc.oneof(
            fc.record({
              kinds: fc.subarray(['user', 'service', 'robot', 'anonymous'] as const, { minLength: 1 }),
            }),
            fc.record({ accounts: fc.subarray(['alice', 'ci+*', 'node?', 'b*'], { minLength: 1 }) }),
            fc.record({ groups: fc.subarray(GROUPS.slice(0, n.groups), { minLength: 1 }) }),
          ),
        },
        { requiredKeys: ['effect', 'actions'] },
      )
      .map((r) => r as AccessRule);
    return fc.record({
      mode: fc.constant(n.mode),
      groups: fc.constant(groupIds.map((id) => ({ id, name: GROUPS[id - 1]! }))),
      users: fc.tuple(...USERS.slice(0, n.users).map((name, i) => user(name, i + 1))),
      apps: fc.tuple(...APPS.slice(0, n.apps).map((name, i) => app(name, i + 1))),
      services: fc.tuple(...ids(n.services).map(service)),
      robots: fc.tuple(...ids(n.robots).map(robot)),
      registries: fc.tuple(...ids(n.registries).map(registry)),
      rules: fc.array(rule, { maxLength: n.rules }),
    });
  })
  .map((input) => new AccessModel(input));

/** Concrete repositories: every namespace of the world and the rule and robot patterns' shapes. */
function concreteNames(model: AccessModel): string[] {
  const heads = [
    'team',
    'prod',
    'x',
    'library',
    ...APPS.map((a) => `apps/${a}`),
    ...USERS.map((u) => `users/${u}`),
    ...[...model.groups.byName.keys()].flatMap((g) => [`groups/${g}`, `teams/${g}`]),
    ...USERS.map((u) => `home/${u}`),
    ...[...model.services.byName.keys()].map((s) => `home/${s}`),
  ];
  const names = heads.flatMap((h) => [h, `${h}/web`, `${h}/x`, `${h}/tool`, `${h}/web/x`, `${h}/x/y/z`]);
  return names.filter(isRepositoryName);
}

/** What /token grants: nothing unless the login accepts the principal, then authorize. */
function tokenDecision(
  controller: AccessController,
  principal: Principal,
  registry: Registry,
  resource: ResourceActions,
): Action[] {
  if (!mayAct(principal, NOW)) return [];
  const [granted] = controller.authorize(principal, registry, [resource], undefined, NOW);
  return sortActions(granted!.actions);
}

const keyOf = (e: { kind: string; name: string }) => `${e.kind}:${e.name}`;

test('who-can agrees with the token decision path for every principal (random worlds)', () => {
  const started = Date.now();
  fc.assert(
    fc.property(world, fc.integer({ min: 0, max: 1_000 }), (model, pick) => {
      const controller = new AccessController(model);
      const names = concreteNames(model);
      const principals = [
        ...reviewPrincipals(model, NOW),
        // disabled and expired principals too: /token grants them nothing, who-can must not list them
        ...[...model.users.byId.values()].map((user) => ({
          kind: 'user' as const,
          name: user.name,
          principal: { kind: 'user' as const, user },
        })),
        ...[...model.robots.byId.values()].map((robot) => ({
          kind: 'robot' as const,
          name: robot.name,
          principal: { kind: 'robot' as const, robot },
        })),
      ];
      for (const registry of model.registries()) {
        const actions = SCOPE_ACTIONS[pick % SCOPE_ACTIONS.length]!;
        const literals = [names[pick % names.length]!, names[(pick * 7 + 3) % names.length]!];
        for (const name of literals) {
          const scope = parseScopePattern(`repository:${name}:${actions.join(',')}`);
          const got = new Map(whoCan(model, registry, scope, { now: NOW }).map((e) => [keyOf(e), e.actions]));
          for (const p of principals) {
            const expected = tokenDecision(controller, p.principal, registry, {
              type: 'repository',
              name,
              actions,
            });
            assert.deepEqual(got.get(keyOf(p)) ?? [], expected, `${keyOf(p)} on ${registry.service} ${name}`);
          }
        }
        const catalog = new Map(
          whoCan(model, registry, parseScopePattern('registry:catalog:*'), { now: NOW }).map((e) => [
            keyOf(e),
            e.actions,
          ]),
        );
        for (const p of principals) {
          const expected = tokenDecision(controller, p.principal, registry, {
            type: 'registry',
            name: 'catalog',
            actions: ['*'],
          });
          assert.deepEqual(catalog.get(keyOf(p)) ?? [], expected, `${keyOf(p)} catalog`);
        }
        const prefix = PREFIXES[pick % PREFIXES.length]!;
        const scope = parseScopePattern(`repository:${prefix}:${actions.join(',')}`);
        const got = new Map(whoCan(model, registry, scope, { now: NOW }).map((e) => [keyOf(e), e.actions]));
        const planner = new WitnessPlanner(model, scope.pattern);
        for (const p of reviewPrincipals(model, NOW)) {
          const reported = new Set(got.get(keyOf(p)) ?? []);
          // complete: what any concrete repository under the prefix grants is reported
          for (const name of names.filter((n) => matchGlob(scope.pattern, n))) {
            for (const action of tokenDecision(controller, p.principal, registry, {
              type: 'repository',
              name,
              actions,
            }))
              assert.ok(
                reported.has(action),
                `${keyOf(p)} gets ${action} on ${name}, who-can ${prefix} says ${[...reported]}`,
              );
          }
          // sound: each reported action is granted on a valid repository under the prefix
          const witnessed = new Set<Action>();
          for (const witness of planner.candidates(p.principal).flatMap((c) => c.witnesses)) {
            assert.ok(isRepositoryName(witness) && matchGlob(scope.pattern, witness), witness);
            for (const action of tokenDecision(controller, p.principal, registry, {
              type: 'repository',
              name: witness,
              actions,
            }))
              witnessed.add(action);
          }
          assert.deepEqual(sortActions(reported), sortActions(witnessed));
        }
      }
    }),
    { seed: 20261201, numRuns: 1000, endOnFailure: true, includeErrorInReport: true },
  );
  assert.ok(Date.now() - started < 30_000, 'the property stays within its 30 s budget');
});
