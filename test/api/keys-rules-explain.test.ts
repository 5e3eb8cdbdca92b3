/**
 * Signing keys (rotate, stage, retire), custom rules (validation, effect) and explain
 * (the deciding clause or rule is named).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type ApiFixture, basic, errorOf, openApiFixture } from './fixture.ts';

interface KeyView {
  kid: string;
  state: string;
  signing: boolean;
  notAfter: string;
}
interface Verdict {
  action: string;
  allowed: boolean;
  decidedBy: string;
  clause: string;
  rule?: { number: number; id?: string };
  reason: string;
}
interface ExplainReply {
  explanations: { granted: string[]; actions: Verdict[] }[];
  text: string;
}

const headerOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8')) as { kid: string };

describe('keys, rules and explain', () => {
  let f: ApiFixture;
  const tokenFor = async (user: string, password: string) => {
    const response = await f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test&scope=repository:team/web:pull',
      headers: { authorization: basic(user, password) },
    });
    assert.equal(response.statusCode, 200, response.body);
    return (response.json() as { token: string }).token;
  };

  before(async () => {
    f = await openApiFixture();
    for (const [url, body] of [
      [
        '/api/v1/registries',
        {
          service: 'registry.test',
          url: 'http://127.0.0.1:5000',
          publications: ['dev'],
          responsibles: ['ops'],
        },
      ],
      [
        '/api/v1/users',
        { name: 'alice', password: 'alice-password', groups: ['dev'], privileges: ['puller', 'pusher'] },
      ],
      [
        '/api/v1/users',
        { name: 'olga', password: 'olga-password', groups: ['dev', 'ops'], privileges: ['puller', 'pusher'] },
      ],
    ] as const) {
      assert.equal((await f.admin('POST', url, body)).statusCode, 201);
    }
  });
  after(() => f.close());

  test('rotate: the JWKS has two keys and new tokens use the new kid', async () => {
    const before = (await f.admin('GET', '/api/v1/keys')).json() as { keys: KeyView[] };
    assert.equal(before.keys.length, 1);
    const oldKid = before.keys[0]!.kid;
    assert.equal(headerOf(await tokenFor('alice', 'alice-password')).kid, oldKid);
    assert.ok(Date.parse(before.keys[0]!.notAfter) > Date.now() + 9 * 365 * 86_400_000);

    const rotated = await f.admin('POST', '/api/v1/keys/rotate');
    assert.equal(rotated.statusCode, 200, rotated.body);
    const newKid = (rotated.json() as { kid: string }).kid;
    assert.notEqual(newKid, oldKid);

    const jwks = (await f.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
      keys: { kid: string }[];
    };
    assert.deepEqual(jwks.keys.map((k) => k.kid).sort(), [newKid, oldKid].sort());
    assert.equal(headerOf(await tokenFor('alice', 'alice-password')).kid, newKid);

    const keys = ((await f.admin('GET', '/api/v1/keys')).json() as { keys: KeyView[] }).keys;
    assert.deepEqual(
      keys.map((k) => [k.kid, k.state, k.signing]),
      [
        [newKid, 'active', true],
        [oldKid, 'published', false],
      ],
    );

    const refused = await f.admin('POST', `/api/v1/keys/${newKid}/retire`);
    assert.equal(refused.statusCode, 409);
    assert.match(errorOf(refused).message, /rotate first/);
    assert.equal((await f.admin('POST', `/api/v1/keys/${oldKid}/retire`)).statusCode, 200);
    const after = (await f.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
      keys: { kid: string }[];
    };
    assert.deepEqual(
      after.keys.map((k) => k.kid),
      [newKid],
    );
    assert.equal((await f.admin('POST', '/api/v1/keys/no-such-kid/retire')).statusCode, 404);
  });

  test('rotate --stage publishes a key that does not sign until the next rotation', async () => {
    const signer = f.runtime.authority.ring.signer.kid;
    const staged = await f.admin('POST', '/api/v1/keys/rotate', { stage: true });
    const stagedKid = (staged.json() as { kid: string }).kid;
    assert.equal(headerOf(await tokenFor('alice', 'alice-password')).kid, signer);
    const jwks = (await f.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })).json() as {
      keys: { kid: string }[];
    };
    assert.ok(jwks.keys.some((k) => k.kid === stagedKid));
    await f.admin('POST', '/api/v1/keys/rotate');
    assert.equal(headerOf(await tokenFor('alice', 'alice-password')).kid, stagedKid);
  });

  test('explain names the deciding seed clause', async () => {
    const response = await f.admin(
      'GET',
      '/api/v1/explain?account=alice&service=registry.test&scope=repository:team/web:pull,push',
    );
    assert.equal(response.statusCode, 200, response.body);
    const reply = response.json() as ExplainReply;
    const [explanation] = reply.explanations;
    assert.deepEqual(explanation!.granted, ['pull']);
    const byAction = Object.fromEntries(explanation!.actions.map((v) => [v.action, v]));
    assert.equal(byAction.pull!.allowed, true);
    assert.equal(byAction.pull!.clause, 'registry-groups');
    assert.equal(byAction.push!.allowed, false);
    assert.equal(byAction.push!.clause, 'responsible');
    assert.match(reply.text, /push denied: .*\[seed: responsible\]/);

    const several = (
      await f.admin(
        'GET',
        '/api/v1/explain?account=alice&kind=user&service=registry.test&scope=repository:a/b:pull&scope=repository:users/alice/x:push',
      )
    ).json() as ExplainReply;
    assert.equal(several.explanations.length, 2);
    assert.equal(several.explanations[1]!.actions.find((v) => v.action === 'push')!.clause, 'user-namespace');
  });

  test('explain errors: unknown account 404, unknown service 400, bad scope 400, wrong kind 404', async () => {
    const cases: [string, number, RegExp][] = [
      [
        'account=nobody&service=registry.test&scope=repository:a:pull',
        404,
        /no user, service or robot named "nobody"/,
      ],
      [
        'account=alice&service=ghost.test&scope=repository:a:pull',
        400,
        /unknown registry service "ghost.test"/,
      ],
      ['account=alice&service=registry.test&scope=garbage', 400, /invalid scope/],
      [
        'account=alice&kind=robot&service=registry.test&scope=repository:a:pull',
        404,
        /is a user, not a robot/,
      ],
      [
        'account=alice&kind=person&service=registry.test&scope=repository:a:pull',
        400,
        /kind is user, service or robot/,
      ],
      ['service=registry.test&scope=repository:a:pull', 400, /querystring/],
    ];
    for (const [query, status, message] of cases) {
      const response = await f.admin('GET', `/api/v1/explain?${query}`);
      assert.equal(response.statusCode, status, `${query}: ${response.body}`);
      assert.match(errorOf(response).message, message, query);
    }
  });

  test('rules: invalid lists are 400 with path: message; valid ones apply and explain names the rule', async () => {
    const invalid = await f.admin('PUT', '/api/v1/rules', [
      { effect: 'maybe', actions: ['fly'], colour: 'red' },
    ]);
    assert.equal(invalid.statusCode, 400);
    const message = errorOf(invalid).message;
    assert.match(message, /rules\[0\]\.effect: must be "allow" or "deny"/);
    assert.match(message, /rules\[0\]\.actions\[0\]: unknown action "fly"/);
    assert.match(message, /rules\[0\]\.colour: unknown key/);
    assert.equal(
      (await f.admin('PUT', '/api/v1/rules', { rules: [] })).statusCode,
      400,
      'the body is the list itself',
    );

    const rules = [{ id: 'no-prod-push', effect: 'deny', actions: ['push'], repository: 'prod/**' }];
    const put = await f.admin('PUT', '/api/v1/rules', rules);
    assert.equal(put.statusCode, 200, put.body);
    assert.deepEqual(((await f.admin('GET', '/api/v1/rules')).json() as { rules: unknown[] }).rules, rules);

    const explained = (
      await f.admin(
        'GET',
        '/api/v1/explain?account=olga&service=registry.test&scope=repository:prod/web:pull,push',
      )
    ).json() as ExplainReply;
    const push = explained.explanations[0]!.actions.find((v) => v.action === 'push')!;
    assert.equal(push.allowed, false);
    assert.equal(push.decidedBy, 'rule');
    assert.equal(push.rule?.id, 'no-prod-push');
    assert.match(explained.text, /rule #1 'no-prod-push'/);

    const token = await f.app.inject({
      method: 'GET',
      url: '/token?service=registry.test&scope=repository:prod/web:pull,push',
      headers: { authorization: basic('olga', 'olga-password') },
    });
    const access = JSON.parse(
      Buffer.from((token.json() as { token: string }).token.split('.')[1]!, 'base64url').toString('utf8'),
    ).access as { actions: string[] }[];
    assert.deepEqual(access[0]!.actions, ['pull']);
    assert.equal((await f.admin('PUT', '/api/v1/rules', [])).statusCode, 200);
  });
});
