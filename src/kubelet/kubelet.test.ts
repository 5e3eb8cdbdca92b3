/** matchImages rules, Go durations, the request/response codec and the config writer. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import YAML from 'yaml';
import type { CredentialLookup } from './credential-lookup.ts';
import { answerCredentialRequest, runCredentialProvider } from './credential-provider.ts';
import {
  buildCredentialProviderConfig,
  renderCredentialProviderConfig,
} from './credential-provider-config.ts';
import { parseCredentialProviderRequest } from './credential-provider-protocol.ts';
import { formatGoDuration, parseGoDuration } from './go-duration.ts';
import { registryOfImage, urlsMatch } from './image-match.ts';

describe('matchImages (the kubelet’s URLsMatch)', () => {
  const cases: readonly (readonly [string, string, boolean])[] = [
    ['*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com/app/web:1.2', true],
    ['*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com.cn/app', false],
    ['*.io', 'a.k8s.io', false], // * never crosses a dot
    ['*.k8s.io', 'a.k8s.io', true],
    ['app*.k8s.io', 'app1.k8s.io', true],
    ['app*.k8s.io', 'ap.k8s.io', false],
    ['registry.io', 'registry.io:5000/x', false], // ports must be equal, absent included
    ['registry.io:5000', 'registry.io:5000/x', true],
    ['registry.io:5000', 'registry.io:5001/x', false],
    ['registry.io/foo', 'registry.io/foobar/x', true], // a plain string prefix
    ['registry.io/foo', 'registry.io/bar', false],
    ['gcr.io', 'gcr.io/project/image@sha256:abc', true],
    ['reg.[a-c].example', 'reg.b.example/x', true],
    ['reg.[a-c].example', 'reg.d.example/x', false],
    ['[a-c].example', 'b.example/x', false], // Go's url.Parse reads "[" as an IPv6 literal and fails
    ['127.0.0.1:5000', '127.0.0.1:5000/team/app', true],
    ['bad[', 'bad[/x', false], // a malformed glob matches nothing
  ];
  for (const [glob, image, want] of cases) {
    test(`${glob} ${want ? 'matches' : 'does not match'} ${image}`, () => {
      assert.equal(urlsMatch(glob, image), want);
    });
  }

  test('the registry of an image, Docker Hub for bare names', () => {
    assert.equal(
      registryOfImage('123.dkr.ecr.eu-west-1.amazonaws.com/app:1'),
      '123.dkr.ecr.eu-west-1.amazonaws.com',
    );
    assert.equal(registryOfImage('localhost:5000/app'), 'localhost:5000');
    assert.equal(registryOfImage('localhost/app'), 'localhost');
    assert.equal(registryOfImage('library/nginx'), 'docker.io');
    assert.equal(registryOfImage('nginx:1'), 'docker.io');
  });
});

describe('Go durations', () => {
  test('parse as time.ParseDuration does', () => {
    assert.equal(parseGoDuration('6h0m0s'), 6 * 3600_000);
    assert.equal(parseGoDuration('0h59m0s'), 59 * 60_000);
    assert.equal(parseGoDuration('1.5h'), 5400_000);
    assert.equal(parseGoDuration('300ms'), 300);
    assert.equal(parseGoDuration('2m3.5s'), 123_500);
    assert.equal(parseGoDuration('0'), 0);
    assert.equal(parseGoDuration('-1s'), -1000);
    for (const bad of ['', '5', 'h', '1d', '.s', '1h 2m', 'abc'])
      assert.throws(() => parseGoDuration(bad), /time:/, bad);
  });

  test('format as Duration.String does', () => {
    assert.equal(formatGoDuration(0), '0s');
    assert.equal(formatGoDuration(5), '5s');
    assert.equal(formatGoDuration(90), '1m30s');
    assert.equal(formatGoDuration(6 * 3600), '6h0m0s');
    assert.equal(formatGoDuration(3600 + 1.9), '1h0m1s');
    for (const s of [0, 5, 90, 21_600, 43_199]) assert.equal(parseGoDuration(formatGoDuration(s)), s * 1000);
  });
});

describe('CredentialProviderRequest and Response', () => {
  const request = (extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      kind: 'CredentialProviderRequest',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      image: 'registry.example:5000/team/app:1',
      ...extra,
    });
  const lookup = (
    found: Awaited<ReturnType<CredentialLookup['lookup']>>,
  ): CredentialLookup & { asked: string[] } => {
    const asked: string[] = [];
    return {
      asked,
      lookup: async (registry) => {
        asked.push(registry);
        return found;
      },
    };
  };

  test('requests are decoded strictly', () => {
    assert.equal(parseCredentialProviderRequest(request()).image, 'registry.example:5000/team/app:1');
    assert.deepEqual(
      parseCredentialProviderRequest(
        request({ serviceAccountToken: 't', serviceAccountAnnotations: { a: 'b' } }),
      ).serviceAccountAnnotations,
      { a: 'b' },
    );
    assert.throws(() => parseCredentialProviderRequest(request({ extra: 1 })), /unknown field\(s\).*extra/);
    assert.throws(
      () => parseCredentialProviderRequest(request({ apiVersion: 'v1' })),
      /unsupported apiVersion/,
    );
    assert.throws(() => parseCredentialProviderRequest(request({ kind: 'Pod' })), /kind must be/);
    assert.throws(() => parseCredentialProviderRequest(request({ image: '' })), /no image/);
    assert.throws(() => parseCredentialProviderRequest('{'), /not valid JSON/);
    assert.throws(
      () => parseCredentialProviderRequest(request({ serviceAccountAnnotations: { a: 1 } })),
      /strings/,
    );
  });

  test('an expiring credential is cached for half its remaining lifetime, keyed by its registry', async () => {
    const now = Date.UTC(2030, 0, 1);
    const found = lookup({ username: 'AWS', password: 'p', expiresAt: now / 1000 + 12 * 3600 });
    const response = await answerCredentialRequest(request(), found, now);
    assert.deepEqual(found.asked, ['registry.example:5000']);
    assert.deepEqual(response, {
      kind: 'CredentialProviderResponse',
      apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
      cacheKeyType: 'Registry',
      cacheDuration: '6h0m0s',
      auth: { 'registry.example:5000': { username: 'AWS', password: 'p' } },
    });
    // Minted 2 h ago with a 12 h life: due for renewal in 4 h, so cached 4 h, not 5 h.
    const minted = lookup({
      username: 'AWS',
      password: 'p',
      expiresAt: now / 1000 + 10 * 3600,
      refreshAt: now / 1000 + 4 * 3600,
    });
    assert.equal((await answerCredentialRequest(request(), minted, now)).cacheDuration, '4h0m0s');
    // Past its half-life (the renewal failed, the old token is still valid): not cached at all.
    const stale = lookup({
      username: 'AWS',
      password: 'p',
      expiresAt: now / 1000 + 600,
      refreshAt: now / 1000 - 60,
    });
    assert.equal((await answerCredentialRequest(request(), stale, now)).cacheDuration, '0s');
    const v1beta1 = await answerCredentialRequest(
      request({ apiVersion: 'credentialprovider.kubelet.k8s.io/v1beta1' }),
      found,
      now,
    );
    assert.equal(v1beta1.apiVersion, 'credentialprovider.kubelet.k8s.io/v1beta1');
  });

  test('a static credential leaves the duration to the config; a miss gives empty auth; expired fails', async () => {
    const now = Date.now();
    const staticAnswer = await answerCredentialRequest(
      request(),
      lookup({ username: 'u', password: 'p' }),
      now,
    );
    assert.equal(staticAnswer.cacheDuration, undefined);
    assert.deepEqual((await answerCredentialRequest(request(), lookup(undefined), now)).auth, {});
    await assert.rejects(
      answerCredentialRequest(
        request(),
        lookup({ username: 'u', password: 'p', expiresAt: now / 1000 - 1 }),
        now,
      ),
      /has expired/,
    );
  });

  test('the entry: response on stdout, one line on stderr and a non-zero exit on failure', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = (input: string) => ({
      readStdin: async () => input,
      writeStdout: (t: string) => out.push(t),
      writeStderr: (t: string) => err.push(t),
    });
    assert.equal(
      await runCredentialProvider(io(request()), async () => lookup({ username: 'u', password: 'p' })),
      0,
    );
    assert.equal(JSON.parse(out.join('')).auth['registry.example:5000'].password, 'p');
    const code = await runCredentialProvider(io('{"kind":"x"}'), async () => lookup(undefined));
    assert.notEqual(code, 0);
    assert.match(err.join(''), /^purser-credential-provider: unsupported apiVersion/);
    assert.equal(err.join('').split('\n').length, 2);
  });
});

describe('CredentialProviderConfig writer', () => {
  test('writes kubelet.config.k8s.io/v1 with the plugin name, globs, duration, args and env', () => {
    const text = renderCredentialProviderConfig([
      {
        matchImages: ['*.dkr.ecr.*.amazonaws.com', 'registry.example:5000'],
        env: [{ name: 'PURSER_ENV', value: 'prod' }],
      },
    ]);
    assert.match(text, /^# kubelet image credential provider configuration/);
    assert.deepEqual(YAML.parse(text), {
      apiVersion: 'kubelet.config.k8s.io/v1',
      kind: 'CredentialProviderConfig',
      providers: [
        {
          name: 'purser-credential-provider',
          matchImages: ['*.dkr.ecr.*.amazonaws.com', 'registry.example:5000'],
          defaultCacheDuration: '10m',
          apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
          env: [{ name: 'PURSER_ENV', value: 'prod' }],
        },
      ],
    });
  });

  test('refuses what the kubelet would refuse, naming each problem', () => {
    assert.throws(() => buildCredentialProviderConfig([]), /at least one provider/);
    assert.throws(
      () =>
        buildCredentialProviderConfig([
          { name: 'a/b', matchImages: [] },
          { matchImages: ['registry.io/*', 'bad[', 'h:port', ''], defaultCacheDuration: '1d' },
        ]),
      (error: Error) => {
        for (const expected of [
          /providers\[0\] \(a\/b\): name must be/,
          /give at least one --match/,
          /"registry.io\/\*" has a glob in its path/,
          /"bad\[" has a malformed glob/,
          /"h:port" is not a host/,
          /defaultCacheDuration "1d"/,
        ])
          assert.match(error.message, expected);
        return true;
      },
    );
    assert.throws(
      () => buildCredentialProviderConfig([{ matchImages: ['a.io'] }, { matchImages: ['b.io'] }]),
      /duplicate provider name/,
    );
  });
});
