// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} and ${group} are literal policy syntax here
/**
 * Custom rules: precedence over the seed model, conditions, explanations and validation.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigInvalid } from '../domain/errors.ts';
import { AccessModel } from './access-model.ts';
import { decide, explain } from './engine.ts';
import { formatExplanation } from './explanation-format.ts';
import { buildModel, NOW, principal, RULES, registryOf, resource } from './fixture.test-support.ts';
import { validateRules } from './rule.ts';

const ALL = ['pull', 'push', 'delete'];

describe('custom rules', () => {
  const model = buildModel({ rules: RULES });
  const allowed = (who: string, scope: string, on = 'registry.test', sourceAddress?: string) =>
    [
      ...decide(model, {
        principal: principal(model, who),
        registry: registryOf(model, on),
        resource: resource(scope),
        now: NOW,
        ...(sourceAddress === undefined ? {} : { sourceAddress }),
      }).allowed,
    ].sort();
  const why = (who: string, scope: string, on = 'registry.test', sourceAddress?: string) =>
    explain(model, {
      principal: principal(model, who),
      registry: registryOf(model, on),
      resource: resource(scope),
      now: NOW,
      ...(sourceAddress === undefined ? {} : { sourceAddress }),
    });

  test('a deny rule beats a seed allow; delete follows the denied push', () => {
    const request = (m: AccessModel) => ({
      principal: principal(m, 'alice'),
      registry: registryOf(m, 'registry.test'),
      resource: resource('repository:prod/app:push'),
    });
    const seedOnly = buildModel();
    assert.deepEqual([...decide(seedOnly, request(seedOnly)).allowed].sort(), [...ALL].sort());
    const oneRule = buildModel({ rules: [RULES[0]!] });
    const decision = decide(oneRule, request(oneRule));
    assert.deepEqual([...decision.allowed], ['pull']);
    assert.equal(decision.reasons.push, "push denied: rule #1 'no-prod-push' (deny) matched");
    assert.equal(
      decision.reasons.delete,
      "delete denied: delete follows push, and push is denied (rule #1 'no-prod-push' (deny) matched)",
    );
    const explanation = explain(oneRule, request(oneRule));
    const push = explanation.actions.find((v) => v.action === 'push');
    assert.equal(push?.decidedBy, 'rule');
    assert.equal(push?.rule?.id, 'no-prod-push');
    assert.equal(push?.rule?.comment, 'prod is built by CI');
    assert.equal(explanation.actions.find((v) => v.action === 'pull')?.decidedBy, 'seed');
    assert.equal(explanation.actions.find((v) => v.action === 'delete')?.clause, 'delete-follows-push');
  });

  test('first matching rule wins per action; a later rule only decides what is left', () => {
    // rule #8 'late-allow' also matches prod/** for push and delete: push was decided by #1,
    // delete was not, so #8 decides delete.
    assert.deepEqual(allowed('alice', 'repository:prod/app:delete'), ['delete', 'pull']);
    const explanation = why('alice', 'repository:prod/app:delete');
    const late = explanation.rules.find((trace) => trace.rule.id === 'late-allow');
    assert.equal(late?.matched, true);
    assert.deepEqual(late?.decided, ['delete']);
    assert.equal(explanation.actions.find((v) => v.action === 'delete')?.rule?.number, 8);
    assert.match(formatExplanation(explanation), /#1 'no-prod-push' \(deny\): matched, decided push/);
  });

  test('administrators bypass rules', () => {
    assert.deepEqual(allowed('root', 'repository:prod/app:push'), [...ALL].sort());
    const explanation = why('root', 'repository:prod/app:push');
    assert.equal(explanation.rules.length, 0);
    assert.match(explanation.rulesSkipped ?? '', /administrator/);
  });

  test('an allow rule grants beyond the seed model, and push brings pull and delete', () => {
    // bob is not responsible: the seed gives pull only
    assert.deepEqual(allowed('bob', 'repository:staging/app:push'), [...ALL].sort());
    assert.deepEqual(allowed('quinn', 'repository:staging/app:push'), ['pull']);
    const explanation = why('quinn', 'repository:staging/app:push');
    assert.equal(
      explanation.rules.find((trace) => trace.rule.id === 'bob-staging')?.mismatch,
      'account quinn does not match bob',
    );
  });

  test('${account} expands to the principal name', () => {
    assert.deepEqual(allowed('carol', 'repository:home/carol/tools/x:push'), [...ALL].sort());
    assert.deepEqual(allowed('carol', 'repository:home/alice/x:pull'), []);
    assert.deepEqual(allowed('robot:ci-read', 'repository:home/ci-read/x:push'), [...ALL].sort());
    assert.deepEqual(allowed('service:node2', 'repository:home/node2/x:pull'), [...ALL].sort());
    assert.deepEqual(allowed('anonymous', 'repository:home/x/y:pull'), []);
    assert.deepEqual(allowed('carol', 'repository:home/carol:pull'), []);
  });

  test("${group} matches any of the user's group names", () => {
    assert.deepEqual(allowed('quinn', 'repository:teams/qa/x:push'), [...ALL].sort());
    assert.deepEqual(allowed('alice', 'repository:teams/ops/x:push'), [...ALL].sort());
    assert.deepEqual(allowed('quinn', 'repository:teams/dev/x:push'), ['pull']);
    assert.deepEqual(allowed('service:node1', 'repository:teams/dev/x:push'), ['pull']);
  });

  test('source address and group conditions', () => {
    for (const address of ['10.1.2.3', '::ffff:10.1.200.9', 'fd00::1']) {
      assert.deepEqual(
        allowed('carol', 'repository:ops-tools/deploy:push', 'registry.test', address),
        [...ALL].sort(),
        address,
      );
    }
    for (const address of ['10.2.0.1', '192.168.0.1', '2001:db8::1', 'not-an-ip']) {
      assert.deepEqual(
        allowed('carol', 'repository:ops-tools/deploy:push', 'registry.test', address),
        [],
        address,
      );
    }
    assert.deepEqual(allowed('carol', 'repository:ops-tools/deploy:push'), []);
    assert.match(
      why('carol', 'repository:ops-tools/deploy:push', 'registry.test', '192.168.0.1').rules[4]?.mismatch ??
        '',
      /source address 192\.168\.0\.1 is outside 10\.1\.0\.0\/16, fd00::\/8/,
    );
    // bob is not in ops: the group condition fails, the seed decides
    assert.deepEqual(allowed('bob', 'repository:ops-tools/deploy:push', 'registry.test', '10.1.2.3'), [
      'pull',
    ]);
    assert.match(
      why('bob', 'repository:ops-tools/deploy:push', 'registry.test', '10.1.2.3').rules[4]?.mismatch ?? '',
      /bob is in none of the groups ops/,
    );
  });

  test('principal kinds and registry globs', () => {
    assert.deepEqual(allowed('anonymous', 'repository:public/base:pull'), ['pull']);
    assert.deepEqual(allowed('anonymous', 'repository:public/base:push'), ['pull']);
    assert.deepEqual(allowed('anonymous', 'repository:public/a/b:pull'), []);
    assert.deepEqual(allowed('robot:ci-read', 'repository:public/base:pull'), ['pull']);
    assert.deepEqual(allowed('robot:ci-write', 'repository:team/api:push', 'mirror.test'), []);
    assert.deepEqual(allowed('robot:ci-write', 'repository:team/api:push', 'registry.test'), [
      'pull',
      'push',
    ]);
    const mirror = why('robot:ci-write', 'repository:team/api:push', 'registry.test');
    assert.equal(mirror.rules[1]?.mismatch, 'registry "registry.test" does not match "mirror.*"');
    assert.deepEqual(allowed('alice', 'repository:team/api:push', 'mirror.test'), [...ALL].sort());
  });

  test('a deny on pull leaves push (write-only), and can stop a service', () => {
    assert.deepEqual(allowed('alice', 'repository:dropbox/in:push'), ['delete', 'push']);
    assert.deepEqual(allowed('service:node1', 'repository:apps/shop/secret:pull'), []);
    assert.deepEqual(allowed('service:node1', 'repository:apps/shop/web:pull'), ['pull']);
    const reason = decide(model, {
      principal: principal(model, 'alice'),
      registry: registryOf(model, 'registry.test'),
      resource: resource('repository:dropbox/in:pull'),
    }).reasons.pull;
    assert.equal(reason, 'pull denied: rule #10 (deny) matched');
  });

  test('disabled principals and expired robots get nothing whatever the rules', () => {
    assert.deepEqual(allowed('mallory', 'repository:home/mallory/x:pull'), []);
    assert.deepEqual(allowed('robot:ci-expired', 'repository:home/ci-expired/x:pull'), []);
    assert.deepEqual(allowed('eve', 'repository:home/eve/x:pull'), []);
  });

  test('rules do not touch the catalog', () => {
    const explanation = why('manny', 'registry:catalog:*');
    assert.deepEqual(explanation.granted, ['*']);
    assert.match(explanation.rulesSkipped ?? '', /repositories only/);
  });

  test('explain lists every rule with why it did or did not match', () => {
    const explanation = why('bob', 'repository:team/web:pull,push');
    assert.equal(explanation.rules.length, RULES.length);
    assert.ok(explanation.rules.every((trace) => !trace.matched && trace.mismatch));
    assert.equal(explanation.rules[0]?.mismatch, 'repository "team/web" does not match "prod/**"');
    assert.equal(explanation.rules[1]?.mismatch, 'principal kind is not one of robot');
    assert.equal(
      explanation.rules[3]?.mismatch,
      'repository "team/web" does not match "home/${account}/**" for bob',
    );
    const text = formatExplanation(explanation);
    assert.match(text, /^user bob on registry\.test: repository:team\/web/);
    assert.match(
      text,
      /push denied: bob is in none of registry\.test's responsible groups \(ops\) {2}\[seed: responsible\]/,
    );
    assert.match(text, /-- prod is built by CI/);
  });
});

describe('validateRules', () => {
  test('a valid rule list has no problems', () => {
    assert.deepEqual(validateRules(RULES), []);
    assert.deepEqual(validateRules(undefined), []);
    assert.deepEqual(validateRules([]), []);
  });

  test('reports every problem as path: message', () => {
    const problems = validateRules(
      [
        { effect: 'permit', actions: [], color: 'red' },
        { effect: 'allow', actions: ['pull', 'pul'], repository: 'team/[web]', registry: '${account}.test' },
        {
          effect: 'deny',
          actions: ['*'],
          repository: 'a**/b',
          sources: ['10.0.0.0/33', 'nope', '::1/129', 42],
        },
        {
          id: 'x',
          effect: 'deny',
          actions: ['push'],
          principals: { kinds: ['human'], accounts: ['${account}'], teams: ['a'] },
        },
        { id: 'x', effect: 'deny', actions: ['push'], repository: 'home/${user}/*' },
        'not a rule',
        { effect: 'allow', actions: ['pull'], repository: '' },
        { effect: 'allow', actions: ['pull'], repository: 'a//b', principals: { groups: [] }, sources: [] },
      ],
      'rules',
    );
    const expected = [
      'rules[0].color: unknown key',
      'rules[0].effect: must be "allow" or "deny"',
      'rules[0].actions: must be a non-empty list',
      'rules[1].actions[1]: unknown action "pul"',
      'rules[1].registry: "${account}.test" placeholder "${account}" is not allowed here',
      'rules[1].repository: "team/[web]" has the reserved or invalid character "["',
      'rules[1].repository: "team/[web]" has the reserved or invalid character "]"',
      'rules[2].repository: "a**/b" uses "**" inside a path component',
      'rules[2].sources[0]: "10.0.0.0/33" is not a valid IPv4 or IPv6 CIDR',
      'rules[2].sources[1]: "nope" is not a valid',
      'rules[2].sources[2]: "::1/129" is not a valid',
      'rules[2].sources[3]: must be a CIDR string',
      'rules[3].principals.teams: unknown key',
      'rules[3].principals.kinds[0]: unknown kind "human"',
      'rules[3].principals.accounts[0]: "${account}" placeholder "${account}" is not allowed here',
      'rules[4].id: duplicate id "x" (also rules[3])',
      'rules[4].repository: "home/${user}/*" unknown placeholder "${user}"',
      'rules[5]: must be an object',
      'rules[6].repository: "" must be a non-empty pattern',
      'rules[7].repository: "a//b" has an empty path component',
      'rules[7].principals.groups: must be a non-empty list',
      'rules[7].sources: must be a non-empty list of CIDR strings',
    ];
    for (const start of expected) {
      assert.ok(
        problems.some((problem) => problem.startsWith(start)),
        `missing "${start}" in:\n${problems.join('\n')}`,
      );
    }
    assert.equal(problems.length, expected.length, problems.join('\n'));
  });

  test('a non-list is one problem', () => {
    assert.deepEqual(validateRules({ effect: 'allow' }, 'policy.rules'), [
      'policy.rules: must be a list of rules',
    ]);
  });

  test('AccessModel refuses invalid rules with ConfigInvalid listing them', () => {
    assert.throws(
      () => new AccessModel({ rules: [{ effect: 'allow', actions: ['pull'], repository: 'a***' }] }),
      (error: unknown) =>
        error instanceof ConfigInvalid &&
        error.problems.some((problem) =>
          problem.startsWith('rules[0].repository: "a***" has three or more "*"'),
        ),
    );
  });
});
