/**
 * Table tests with the case data of distribution/reference (normalize_test.go, reference_test.go at
 * the commits read in ../shared/reference/client-anchors.md §0); the data is copied, the checks are ours.
 * Over 300 lines on purpose: the case tables are long, and one file per module under test.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequest } from '../domain/errors.ts';
import { parseRawReference, parseReference, withoutDigest } from './image-reference.ts';

const HEX64 = 'ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff';

describe('parseReference: upstream TestValidateReferenceName', () => {
  const valid = [
    'docker/docker',
    'library/debian',
    'debian',
    'docker.io/docker/docker',
    'docker.io/library/debian',
    'docker.io/debian',
    'index.docker.io/docker/docker',
    'index.docker.io/library/debian',
    'index.docker.io/debian',
    '127.0.0.1:5000/docker/docker',
    '127.0.0.1:5000/library/debian',
    '127.0.0.1:5000/debian',
    '192.168.0.1',
    '192.168.0.1:80',
    '192.168.0.1:8/debian',
    '192.168.0.2:25000/debian',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    '[fc00::1]:5000/docker',
    '[fc00::1]:5000/docker/docker',
    '[fc00:1:2:3:4:5:6:7]:5000/library/debian',
    'docker.io/1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    'Docker/docker',
    'DOCKER/docker',
  ];
  const invalid = [
    'https://github.com/docker/docker',
    'docker/Docker',
    '-docker',
    '-docker/docker',
    '-docker.io/docker/docker',
    'docker///docker',
    'docker.io/docker/Docker',
    'docker.io/docker///docker',
    '[fc00::1]',
    '[fc00::1]:5000',
    'fc00::1:5000/debian',
    '[fe80::1%eth0]:5000/debian',
    '[2001:db8:3:4::192.0.2.33]:5000/debian',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
  ];
  for (const name of valid) it(`accepts ${name}`, () => assert.doesNotThrow(() => parseReference(name)));
  for (const name of invalid)
    it(`rejects ${name}`, () => assert.throws(() => parseReference(name), BadRequest));
});

describe('parseReference: upstream TestValidateRemoteName', () => {
  const valid = [
    'docker/docker',
    'thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev',
    'docker-rules/docker',
    'docker---rules/docker',
    'doc/docker',
    'd/docker',
    'jess/t',
    'dock__er/docker',
  ];
  const invalid = [
    'docker/Docker',
    'docker///docker',
    '1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a',
    '-docker/docker',
    'docker-/docker',
    '-docker-/docker',
    '____/____',
    '_docker/_docker',
    'dock..er/docker',
    'dock_.er/docker',
    'dock-.er/docker',
    'docker/',
    `${'this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_'.repeat(4).slice(0, -1)}/docker`,
  ];
  for (const name of valid) it(`accepts ${name}`, () => assert.doesNotThrow(() => parseReference(name)));
  for (const name of invalid) {
    it(`rejects ${name.slice(0, 60)}`, () => assert.throws(() => parseReference(name), BadRequest));
  }
});

describe('parseReference: upstream TestParseRepositoryInfo', () => {
  const cases = [
    {
      remote: 'fooo/bar',
      familiar: 'fooo/bar',
      full: 'docker.io/fooo/bar',
      ambiguous: 'index.docker.io/fooo/bar',
      domain: 'docker.io',
    },
    {
      remote: 'library/ubuntu',
      familiar: 'ubuntu',
      full: 'docker.io/library/ubuntu',
      ambiguous: 'library/ubuntu',
      domain: 'docker.io',
    },
    {
      remote: 'nonlibrary/ubuntu',
      familiar: 'nonlibrary/ubuntu',
      full: 'docker.io/nonlibrary/ubuntu',
      ambiguous: '',
      domain: 'docker.io',
    },
    {
      remote: 'other/library',
      familiar: 'other/library',
      full: 'docker.io/other/library',
      ambiguous: '',
      domain: 'docker.io',
    },
    {
      remote: 'private/moonbase',
      familiar: '127.0.0.1:8000/private/moonbase',
      full: '127.0.0.1:8000/private/moonbase',
      ambiguous: '',
      domain: '127.0.0.1:8000',
    },
    {
      remote: 'privatebase',
      familiar: '127.0.0.1:8000/privatebase',
      full: '127.0.0.1:8000/privatebase',
      ambiguous: '',
      domain: '127.0.0.1:8000',
    },
    {
      remote: 'private/moonbase',
      familiar: 'example.com/private/moonbase',
      full: 'example.com/private/moonbase',
      ambiguous: '',
      domain: 'example.com',
    },
    {
      remote: 'privatebase',
      familiar: 'example.com/privatebase',
      full: 'example.com/privatebase',
      ambiguous: '',
      domain: 'example.com',
    },
    {
      remote: 'private/moonbase',
      familiar: 'example.com:8000/private/moonbase',
      full: 'example.com:8000/private/moonbase',
      ambiguous: '',
      domain: 'example.com:8000',
    },
    {
      remote: 'privatebasee',
      familiar: 'example.com:8000/privatebasee',
      full: 'example.com:8000/privatebasee',
      ambiguous: '',
      domain: 'example.com:8000',
    },
    {
      remote: 'library/ubuntu-12.04-base',
      familiar: 'ubuntu-12.04-base',
      full: 'docker.io/library/ubuntu-12.04-base',
      ambiguous: 'index.docker.io/library/ubuntu-12.04-base',
      domain: 'docker.io',
    },
    {
      remote: 'library/foo',
      familiar: 'foo',
      full: 'docker.io/library/foo',
      ambiguous: 'docker.io/foo',
      domain: 'docker.io',
    },
    {
      remote: 'library/foo/bar',
      familiar: 'library/foo/bar',
      full: 'docker.io/library/foo/bar',
      ambiguous: '',
      domain: 'docker.io',
    },
    {
      remote: 'store/foo/bar',
      familiar: 'store/foo/bar',
      full: 'docker.io/store/foo/bar',
      ambiguous: '',
      domain: 'docker.io',
    },
    { remote: 'bar', familiar: 'Foo/bar', full: 'Foo/bar', ambiguous: '', domain: 'Foo' },
    { remote: 'bar', familiar: 'FOO/bar', full: 'FOO/bar', ambiguous: '', domain: 'FOO' },
  ];
  for (const c of cases) {
    for (const input of [c.familiar, c.full, c.ambiguous].filter(Boolean)) {
      it(`${input} → ${c.full}`, () => {
        const ref = parseReference(input);
        assert.equal(ref.familiarName, c.familiar);
        assert.equal(ref.name, c.full);
        assert.equal(ref.domain, c.domain);
        assert.equal(ref.path, c.remote);
        assert.equal(ref.tag, 'latest');
        assert.equal(ref.normalized, `${c.full}:latest`);
        assert.equal(ref.familiar, `${c.familiar}:latest`);
      });
    }
  }
});

describe('parseReference: upstream TestParseReferenceWithTagAndDigest', () => {
  it('keeps both tag and digest', () => {
    const short = 'busybox:latest@sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa';
    const ref = parseReference(short);
    assert.equal(ref.normalized, `docker.io/library/${short}`);
    assert.equal(ref.tag, 'latest');
    assert.equal(ref.digest, 'sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa');
    assert.equal(ref.familiar, short);
  });
  it('rejects an invalid name (TestInvalidReferenceComponents)', () => {
    assert.throws(() => parseReference('-foo'), BadRequest);
  });
});

describe('parseReference: upstream TestParseAnyReference (named cases)', () => {
  const digest = 'sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c';
  const cases: [string, string][] = [
    ['redis', 'docker.io/library/redis:latest'],
    ['redis:latest', 'docker.io/library/redis:latest'],
    ['docker.io/library/redis:latest', 'docker.io/library/redis:latest'],
    [`redis@${digest}`, `docker.io/library/redis@${digest}`],
    [`docker.io/library/redis@${digest}`, `docker.io/library/redis@${digest}`],
    ['dmcgowan/myapp', 'docker.io/dmcgowan/myapp:latest'],
    ['dmcgowan/myapp:latest', 'docker.io/dmcgowan/myapp:latest'],
    ['docker.io/mcgowan/myapp:latest', 'docker.io/mcgowan/myapp:latest'],
    [`dmcgowan/myapp@${digest}`, `docker.io/dmcgowan/myapp@${digest}`],
    [`docker.io/dmcgowan/myapp@${digest}`, `docker.io/dmcgowan/myapp@${digest}`],
    [
      'dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9',
      'docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9:latest',
    ],
    ['dbcc1', 'docker.io/library/dbcc1:latest'],
  ];
  for (const [input, expected] of cases) {
    it(`${input.slice(0, 50)} → ${expected.slice(0, 60)}`, () =>
      assert.equal(parseReference(input).normalized, expected));
  }
  it('a digest-only reference gets no default tag', () => {
    assert.equal(parseReference(`redis@${digest}`).tag, undefined);
  });
});

describe('parseReference: upstream TestNormalizedSplitHostname', () => {
  const cases: [string, string, string][] = [
    ['test.com/foo', 'test.com', 'foo'],
    ['test_com/foo', 'docker.io', 'test_com/foo'],
    ['docker/migrator', 'docker.io', 'docker/migrator'],
    ['test.com:8080/foo', 'test.com:8080', 'foo'],
    ['test-com:8080/foo', 'test-com:8080', 'foo'],
    ['foo', 'docker.io', 'library/foo'],
    ['xn--n3h.com/foo', 'xn--n3h.com', 'foo'],
    ['xn--n3h.com:18080/foo', 'xn--n3h.com:18080', 'foo'],
    ['docker.io/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo', 'docker.io', 'library/foo'],
    ['docker.io/library/foo/bar', 'docker.io', 'library/foo/bar'],
  ];
  for (const [input, domain, path] of cases) {
    it(`${input} → ${domain} + ${path}`, () => {
      const ref = parseReference(input);
      assert.equal(ref.domain, domain);
      assert.equal(ref.path, path);
    });
  }
});

describe('parseRawReference: upstream TestReferenceParse', () => {
  type Case = {
    input: string;
    err?: RegExp;
    repository?: string;
    domain?: string;
    tag?: string;
    digest?: string;
  };
  const sha512 = `sha512:${'f'.repeat(128)}`;
  const cases: Case[] = [
    { input: 'test_com', repository: 'test_com' },
    { input: 'test.com:tag', repository: 'test.com', tag: 'tag' },
    { input: 'test.com:5000', repository: 'test.com', tag: '5000' },
    { input: 'test.com/repo:tag', domain: 'test.com', repository: 'test.com/repo', tag: 'tag' },
    { input: 'test:5000/repo', domain: 'test:5000', repository: 'test:5000/repo' },
    { input: 'test:5000/repo:tag', domain: 'test:5000', repository: 'test:5000/repo', tag: 'tag' },
    {
      input: `test:5000/repo@sha256:${HEX64}`,
      domain: 'test:5000',
      repository: 'test:5000/repo',
      digest: `sha256:${HEX64}`,
    },
    {
      input: `test:5000/repo:tag@sha256:${HEX64}`,
      domain: 'test:5000',
      repository: 'test:5000/repo',
      tag: 'tag',
      digest: `sha256:${HEX64}`,
    },
    { input: '', err: /at least one component/ },
    { input: ':justtag', err: /invalid reference format/ },
    { input: `@sha256:${HEX64}`, err: /invalid reference format/ },
    { input: 'repo@sha256:ffffffffffffffffffffffffffffffffff', err: /digest length/ },
    { input: `validname@invaliddigest:${HEX64}`, err: /unsupported digest algorithm/ },
    { input: 'Uppercase:tag', err: /must be lowercase/ },
    { input: 'test:5000/Uppercase/lowercase:tag', err: /must be lowercase/ },
    { input: 'lowercase:Uppercase', repository: 'lowercase', tag: 'Uppercase' },
    { input: `${'a/'.repeat(128)}a:tag`, err: /not be more than 255/ },
    {
      input: `${'a/'.repeat(127)}a:tag-puts-this-over-max`,
      domain: 'a',
      repository: `${'a/'.repeat(127)}a`,
      tag: 'tag-puts-this-over-max',
    },
    { input: 'aa/asdf$$^/aa', err: /invalid reference format/ },
    {
      input: 'sub-dom1.foo.com/bar/baz/quux',
      domain: 'sub-dom1.foo.com',
      repository: 'sub-dom1.foo.com/bar/baz/quux',
    },
    {
      input: 'sub-dom1.foo.com/bar/baz/quux:some-long-tag',
      domain: 'sub-dom1.foo.com',
      repository: 'sub-dom1.foo.com/bar/baz/quux',
      tag: 'some-long-tag',
    },
    {
      input: 'b.gcr.io/test.example.com/my-app:test.example.com',
      domain: 'b.gcr.io',
      repository: 'b.gcr.io/test.example.com/my-app',
      tag: 'test.example.com',
    },
    {
      input: 'xn--n3h.com/myimage:xn--n3h.com',
      domain: 'xn--n3h.com',
      repository: 'xn--n3h.com/myimage',
      tag: 'xn--n3h.com',
    },
    {
      input: `xn--7o8h.com/myimage:xn--7o8h.com@${sha512}`,
      domain: 'xn--7o8h.com',
      repository: 'xn--7o8h.com/myimage',
      tag: 'xn--7o8h.com',
      digest: sha512,
    },
    { input: 'foo_bar.com:8080', repository: 'foo_bar.com', tag: '8080' },
    { input: 'foo/foo_bar.com:8080', domain: 'foo', repository: 'foo/foo_bar.com', tag: '8080' },
    { input: '192.168.1.1', repository: '192.168.1.1' },
    { input: '192.168.1.1:tag', repository: '192.168.1.1', tag: 'tag' },
    { input: '192.168.1.1:5000', repository: '192.168.1.1', tag: '5000' },
    { input: '192.168.1.1/repo', domain: '192.168.1.1', repository: '192.168.1.1/repo' },
    { input: '192.168.1.1:5000/repo', domain: '192.168.1.1:5000', repository: '192.168.1.1:5000/repo' },
    {
      input: '192.168.1.1:5000/repo:5050',
      domain: '192.168.1.1:5000',
      repository: '192.168.1.1:5000/repo',
      tag: '5050',
    },
    { input: '[2001:db8::1]', err: /invalid reference format/ },
    { input: '[2001:db8::1]:5000', err: /invalid reference format/ },
    { input: '[2001:db8::1]:tag', err: /invalid reference format/ },
    { input: '[2001:db8::1]/repo', domain: '[2001:db8::1]', repository: '[2001:db8::1]/repo' },
    {
      input: '[2001:db8:1:2:3:4:5:6]/repo:tag',
      domain: '[2001:db8:1:2:3:4:5:6]',
      repository: '[2001:db8:1:2:3:4:5:6]/repo',
      tag: 'tag',
    },
    { input: '[2001:db8::1]:5000/repo', domain: '[2001:db8::1]:5000', repository: '[2001:db8::1]:5000/repo' },
    {
      input: '[2001:db8::1]:5000/repo:tag',
      domain: '[2001:db8::1]:5000',
      repository: '[2001:db8::1]:5000/repo',
      tag: 'tag',
    },
    {
      input: `[2001:db8::1]:5000/repo@sha256:${HEX64}`,
      domain: '[2001:db8::1]:5000',
      repository: '[2001:db8::1]:5000/repo',
      digest: `sha256:${HEX64}`,
    },
    {
      input: `[2001:db8::1]:5000/repo:tag@sha256:${HEX64}`,
      domain: '[2001:db8::1]:5000',
      repository: '[2001:db8::1]:5000/repo',
      tag: 'tag',
      digest: `sha256:${HEX64}`,
    },
    { input: '[2001:db8::]:5000/repo', domain: '[2001:db8::]:5000', repository: '[2001:db8::]:5000/repo' },
    { input: '[::1]:5000/repo', domain: '[::1]:5000', repository: '[::1]:5000/repo' },
    { input: '[fe80::1%eth0]:5000/repo', err: /invalid reference format/ },
    { input: '[fe80::1%@invalidzone]:5000/repo', err: /invalid reference format/ },
  ];
  for (const c of cases) {
    it(c.input.slice(0, 70) || '(empty)', () => {
      if (c.err) {
        assert.throws(
          () => parseRawReference(c.input),
          (e: unknown) => e instanceof BadRequest && c.err!.test(e.message),
        );
        return;
      }
      const raw = parseRawReference(c.input);
      const name = raw.domain === undefined ? raw.path : `${raw.domain}/${raw.path}`;
      assert.equal(name, c.repository);
      assert.equal(raw.domain ?? '', c.domain ?? '');
      assert.equal(raw.tag, c.tag);
      assert.equal(raw.digest, c.digest);
    });
  }
});

describe('parseReference: behaviour the vault relies on', () => {
  it('localhost is a domain, with or without port', () => {
    assert.equal(parseReference('localhost/app').domain, 'localhost');
    assert.equal(parseReference('localhost:5000/o/a:1').normalized, 'localhost:5000/o/a:1');
  });
  it('bare localhost:5000 is docker.io/library/localhost tagged 5000 (upstream FIXME)', () => {
    assert.equal(parseReference('localhost:5000').normalized, 'docker.io/library/localhost:5000');
  });
  it('registry.example.com/app:tag has registry registry.example.com (Gantry finds none)', () => {
    const ref = parseReference('registry.example.com/app:tag');
    assert.equal(ref.domain, 'registry.example.com');
    assert.equal(ref.path, 'app');
    assert.equal(ref.tag, 'tag');
  });
  it('registry-1.docker.io stays a distinct domain, like upstream', () => {
    assert.equal(parseReference('registry-1.docker.io/library/nginx').domain, 'registry-1.docker.io');
  });
  it('gives a clear one-line message', () => {
    assert.throws(
      () => parseReference('docker.io/docker/Docker'),
      /^BadRequest: invalid image reference "docker\.io\/docker\/Docker": repository name \(docker\/Docker\) must be lowercase$/,
    );
    assert.throws(() => parseReference('https://github.com/docker/docker'), /invalid reference format/);
  });
  it('withoutDigest drops the pin and keeps the tag', () => {
    const pinned = parseReference(`nginx:1.27@sha256:${HEX64}`);
    assert.equal(withoutDigest(pinned).normalized, 'docker.io/library/nginx:1.27');
    assert.equal(
      withoutDigest(parseReference(`nginx@sha256:${HEX64}`)).normalized,
      'docker.io/library/nginx:latest',
    );
  });
});

describe('parseReference: default registry', () => {
  const options = { defaultRegistry: 'registry.example.com:5000' };
  const cases: [string, string][] = [
    ['ubuntu', 'registry.example.com:5000/ubuntu:latest'],
    ['ubuntu:22.04', 'registry.example.com:5000/ubuntu:22.04'],
    ['org/app', 'registry.example.com:5000/org/app:latest'],
    ['docker.io/library/ubuntu', 'docker.io/library/ubuntu:latest'],
    ['docker.io/ubuntu', 'docker.io/library/ubuntu:latest'],
    ['index.docker.io/ubuntu', 'docker.io/library/ubuntu:latest'],
    ['ghcr.io/o/a:1', 'ghcr.io/o/a:1'],
    ['localhost/x', 'localhost/x:latest'],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected}`, () => assert.equal(parseReference(input, options).normalized, expected));
  }
  it('a Docker Hub alias as default registry means Docker Hub', () => {
    for (const hub of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) {
      assert.equal(
        parseReference('ubuntu', { defaultRegistry: hub }).normalized,
        'docker.io/library/ubuntu:latest',
      );
    }
  });
  it('familiar names keep the default registry visible', () => {
    assert.equal(parseReference('ubuntu', options).familiar, 'registry.example.com:5000/ubuntu:latest');
  });
  it('rejects a default registry with a scheme', () => {
    assert.throws(() => parseReference('ubuntu', { defaultRegistry: 'https://r.example.com' }), BadRequest);
  });
});
