import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type FetchLike, verifyCredentials } from './login.ts';

interface Seen {
  url: string;
  method: string;
  authorization: string | null;
  body: string | undefined;
}

/** A scripted registry + token server; `routes` answer by "METHOD url-without-query". */
function fake(routes: Record<string, (seen: Seen) => Response>): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetch: FetchLike = async (url, init = {}) => {
    const headers = new Headers(init.headers);
    const s = {
      url,
      method: init.method ?? 'GET',
      authorization: headers.get('authorization'),
      body: typeof init.body === 'string' ? init.body : undefined,
    };
    seen.push(s);
    const key = `${s.method} ${url.split('?')[0]}`;
    const route = routes[key];
    if (!route) throw Object.assign(new Error(`connect ECONNREFUSED (${key})`), { code: 'ECONNREFUSED' });
    return route(s);
  };
  return { fetch, seen };
}

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;
const bearerChallenge = {
  'www-authenticate': 'Bearer realm="https://auth.example/token",service="reg.example"',
};

test('Basic challenge: retries /v2/ with the credentials', async () => {
  const { fetch } = fake({
    'GET https://reg.example/v2/': (s) =>
      s.authorization === basic('u', 'p')
        ? new Response('{}', { status: 200 })
        : new Response('', { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }),
  });
  assert.deepEqual(
    await verifyCredentials({ registry: 'reg.example', username: 'u', password: 'p', fetch }),
    { ok: true, scheme: 'basic', endpoint: 'https://reg.example/v2/' },
  );
  const bad = await verifyCredentials({ registry: 'reg.example', username: 'u', password: 'x', fetch });
  assert.equal(bad.ok, false);
  assert.match((bad as { reason: string }).reason, /invalid username or password/);
});

test('Bearer: OAuth POST grant_type=password first; access_token and refresh_token used', async () => {
  const { fetch, seen } = fake({
    'GET https://reg.example/v2/': (s) =>
      s.authorization === 'Bearer AT'
        ? new Response('{}')
        : new Response('', { status: 401, headers: bearerChallenge }),
    'POST https://auth.example/token': () => Response.json({ access_token: 'AT', refresh_token: 'RT' }),
  });
  const result = await verifyCredentials({ registry: 'reg.example', username: 'u', password: 'p', fetch });
  assert.deepEqual(result, {
    ok: true,
    scheme: 'bearer',
    identityToken: 'RT',
    endpoint: 'https://reg.example/v2/',
  });
  const post = seen.find((s) => s.method === 'POST')!;
  const form = new URLSearchParams(post.body);
  assert.equal(form.get('grant_type'), 'password');
  assert.equal(form.get('username'), 'u');
  assert.equal(form.get('password'), 'p');
  assert.equal(form.get('service'), 'reg.example');
  assert.equal(post.authorization, null);
});

for (const status of [400, 401, 404, 405]) {
  test(`Bearer: POST ${status} falls back to the GET token request with Basic auth`, async () => {
    const { fetch, seen } = fake({
      'GET https://reg.example/v2/': (s) =>
        s.authorization === 'Bearer T'
          ? new Response('{}')
          : new Response('', { status: 401, headers: bearerChallenge }),
      'POST https://auth.example/token': () => new Response('', { status }),
      'GET https://auth.example/token': (s) =>
        s.authorization === basic('u', 'p')
          ? Response.json({ token: 'T' })
          : new Response('{"errors":[{"code":"UNAUTHORIZED","message":"bad credentials"}]}', { status: 401 }),
    });
    assert.deepEqual(
      await verifyCredentials({ registry: 'reg.example', username: 'u', password: 'p', fetch }),
      { ok: true, scheme: 'bearer', endpoint: 'https://reg.example/v2/' },
    );
    const get = seen.find((s) => s.method === 'GET' && s.url.startsWith('https://auth.example/token'))!;
    const query = new URL(get.url).searchParams;
    assert.equal(query.get('account'), 'u');
    assert.equal(query.get('service'), 'reg.example');
    const wrong = await verifyCredentials({ registry: 'reg.example', username: 'u', password: 'bad', fetch });
    assert.deepEqual(wrong, {
      ok: false,
      reason: 'invalid username or password: unauthorized: bad credentials',
      endpoint: 'https://reg.example/v2/',
    });
  });
}

test('Bearer: a 403 or 500 on the POST is final (no GET fallback)', async () => {
  const { fetch, seen } = fake({
    'GET https://reg.example/v2/': () => new Response('', { status: 401, headers: bearerChallenge }),
    'POST https://auth.example/token': () => new Response('{"error":"denied"}', { status: 500 }),
  });
  const r = await verifyCredentials({ registry: 'reg.example', username: 'u', password: 'p', fetch });
  assert.equal(r.ok, false);
  assert.ok(!seen.some((s) => s.method === 'GET' && s.url.startsWith('https://auth.example')));
});

test('loopback registries fall back to plain HTTP; others do not', async () => {
  const { fetch } = fake({ 'GET http://127.0.0.1:5000/v2/': () => new Response('{}') });
  assert.deepEqual(
    await verifyCredentials({ registry: '127.0.0.1:5000', username: 'u', password: 'p', fetch }),
    { ok: true, scheme: 'none', endpoint: 'http://127.0.0.1:5000/v2/' },
  );
  const remote = fake({ 'GET http://reg.example/v2/': () => new Response('{}') });
  const r = await verifyCredentials({
    registry: 'reg.example',
    username: 'u',
    password: 'p',
    fetch: remote.fetch,
  });
  assert.equal(r.ok, false);
  assert.match((r as { reason: string }).reason, /^cannot reach https:\/\/reg\.example\/v2\//);
  assert.equal(
    (
      await verifyCredentials({
        registry: 'reg.example',
        username: 'u',
        password: 'p',
        fetch: remote.fetch,
        insecure: true,
      })
    ).ok,
    true,
  );
});
