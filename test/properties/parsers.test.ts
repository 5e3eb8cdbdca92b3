/**
 * Property tests (issue 11, section 5) for every parser of outside input: scopes, Basic and
 * Bearer headers, image references, Link headers, htpasswd, Gantry configs files, registry
 * events and configuration files. Each one round-trips what it should accept, and on arbitrary
 * input either returns or throws one of Purser's own errors (never a TypeError, a RangeError or
 * a URIError, which surfaces would turn into a 500). Seeded and bounded: FAST_CHECK_SEED replays.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import YAML from 'yaml';
import { parseEnvelope } from '../../src/catalog/registry-event.ts';
import { parseConfig } from '../../src/config/load.ts';
import {
  formatScope,
  MAX_SCOPES_PER_REQUEST,
  parseResourceScope,
  parseScopes,
  type ResourceActions,
} from '../../src/domain/access.ts';
import { AuthorityError } from '../../src/domain/errors.ts';
import { parseConfigsFile } from '../../src/gantry/configs-file.ts';
import { parseHtpasswd } from '../../src/identity/htpasswd.ts';
import { parseNextLink } from '../../src/registry-client/link-header.ts';
import { parseBasic, parseBearer } from '../../src/server/basic-auth.ts';
import { verifyToken } from '../../src/token/verifier.ts';
import { parseReference } from '../../src/vault/image-reference.ts';

const SETTINGS = { seed: Number(process.env.FAST_CHECK_SEED ?? 1101), numRuns: 300 } as const;

/** Runs `parse`; anything thrown must be an AuthorityError (a 4xx on every surface). */
function returnsOrRefuses(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!(error instanceof AuthorityError)) throw error;
    assert.ok(error.status < 500, `${error.code} is a client error`);
  }
}

const hostile = fc.oneof(
  fc.string({ maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(
    '',
    ':',
    '::',
    '%',
    '%00',
    '\u0000',
    '\r\n',
    'a'.repeat(300),
    '[',
    '<',
    '"',
    '@',
    '/',
    '\\',
  ),
);
const pathComponent = fc.stringMatching(/^[a-z0-9]{1,8}([._-][a-z0-9]{1,8}){0,2}$/);
const repositoryName = fc
  .array(pathComponent, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join('/'))
  .filter((name) => name.length <= 255);
const tagName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);

describe('scopes', () => {
  const access: fc.Arbitrary<ResourceActions> = fc.record({
    type: fc.constant('repository' as const),
    name: repositoryName,
    actions: fc.uniqueArray(fc.constantFrom('pull', 'push', 'delete', '*'), { minLength: 1, maxLength: 4 }),
  });

  test('a formatted scope parses back to itself', () => {
    fc.assert(
      fc.property(access, (a) => {
        assert.deepEqual({ ...parseResourceScope(formatScope(a)) }, { ...a, actions: [...a.actions] });
      }),
      SETTINGS,
    );
  });

  test('repeating a scope merges it; arbitrary scope text returns or is BAD_REQUEST', () => {
    fc.assert(
      fc.property(access, fc.array(hostile, { maxLength: 5 }), (a, junk) => {
        assert.deepEqual(parseScopes([formatScope(a), formatScope(a)]), parseScopes([formatScope(a)]));
        returnsOrRefuses(() => parseScopes(junk));
        returnsOrRefuses(() => parseScopes([junk.join(' ')]));
      }),
      SETTINGS,
    );
  });

  test(`more than ${MAX_SCOPES_PER_REQUEST} resources is BAD_REQUEST`, () => {
    const many = Array.from({ length: MAX_SCOPES_PER_REQUEST + 1 }, (_, i) => `repository:r${i}:pull`);
    assert.throws(() => parseScopes(many), { code: 'BAD_REQUEST' });
    assert.equal(parseScopes(many.slice(1)).length, MAX_SCOPES_PER_REQUEST);
  });
});

describe('Basic and Bearer headers', () => {
  test('Basic credentials round-trip; anything else is undefined or UNAUTHORIZED', () => {
    const user = fc
      .string({ minLength: 1, maxLength: 30 })
      .filter((u) => !u.includes(':') && !u.includes('\u0000'));
    const password = fc.string({ maxLength: 30 }).filter((p) => !p.includes('\u0000'));
    fc.assert(
      fc.property(user, password, hostile, (u, p, junk) => {
        const header = `Basic ${Buffer.from(`${u}:${p}`, 'utf8').toString('base64')}`;
        assert.deepEqual(parseBasic(header), { username: u, password: p });
        for (const h of [junk, `Basic ${junk}`, `basic ${Buffer.from(junk).toString('base64')}`]) {
          try {
            parseBasic(h);
          } catch (error) {
            assert.equal((error as AuthorityError).code, 'UNAUTHORIZED', String(error));
          }
        }
      }),
      SETTINGS,
    );
  });

  test('Bearer tokens of any shape are refused with a token error, never a TypeError', () => {
    const part = fc.oneof(
      fc.jsonValue().map((v) => Buffer.from(JSON.stringify(v) ?? 'null').toString('base64url')),
      hostile.map((s) => Buffer.from(s).toString('base64url')),
      hostile,
    );
    fc.assert(
      fc.property(part, part, part, (header, claims, signature) => {
        const token = `${header}.${claims}.${signature}`;
        assert.equal(parseBearer(`Bearer ${token}`), token.trim());
        try {
          verifyToken(token, { issuer: 'purser', audience: 'purser', keys: [] });
          assert.fail('an unsigned token was accepted');
        } catch (error) {
          assert.ok(
            error instanceof AuthorityError && ['TOKEN_MALFORMED', 'TOKEN_INVALID'].includes(error.code),
            String(error),
          );
        }
      }),
      SETTINGS,
    );
  });
});

describe('image references', () => {
  test('domain/path:tag round-trips; arbitrary text returns or is BAD_REQUEST', () => {
    const domain = fc.stringMatching(/^[a-z0-9]{1,8}(\.[a-z0-9]{1,8}){1,2}(:[1-9][0-9]{0,3})?$/);
    fc.assert(
      fc.property(domain, repositoryName, tagName, hostile, (d, path, tag, junk) => {
        const parsed = parseReference(`${d}/${path}:${tag}`);
        assert.equal(parsed.domain, d);
        assert.equal(parsed.path, path);
        assert.equal(parsed.tag, tag);
        assert.equal(parseReference(parsed.normalized).normalized, parsed.normalized);
        returnsOrRefuses(() => parseReference(junk));
      }),
      SETTINGS,
    );
  });
});

describe('Link headers', () => {
  test('the next link resolves against the base; arbitrary headers never throw', () => {
    fc.assert(
      fc.property(repositoryName, fc.integer({ min: 1, max: 1000 }), hostile, (last, n, junk) => {
        const base = 'http://127.0.0.1:5000';
        const next = `/v2/_catalog?last=${encodeURIComponent(last)}&n=${n}`;
        assert.equal(parseNextLink(`<${next}>; rel="next"`, base), new URL(next, base).toString());
        assert.equal(parseNextLink(`<${next}>; rel="prev"`, base), undefined);
        parseNextLink(junk, base);
        parseNextLink(`<${junk}>; rel="next", ${junk}`, base);
      }),
      SETTINGS,
    );
  });
});

describe('htpasswd files', () => {
  test('name:bcrypt lines round-trip; arbitrary text only gives problems', () => {
    const hash = fc.stringMatching(/^[./A-Za-z0-9]{53}$/).map((h) => `$2y$10$${h}`);
    const name = fc.stringMatching(/^[a-z][a-z0-9._-]{0,15}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(name, hash), { maxLength: 5 }), hostile, (pairs, junk) => {
        const parsed = parseHtpasswd(pairs.map(([n, h]) => `${n}:${h}`).join('\r\n'));
        assert.deepEqual(
          parsed.entries.map((e) => [e.name, e.hash]),
          pairs,
        );
        assert.deepEqual(parsed.problems, []);
        const messy = parseHtpasswd(junk);
        assert.ok(Array.isArray(messy.entries) && Array.isArray(messy.problems));
      }),
      SETTINGS,
    );
  });
});

describe('Gantry configs files', () => {
  test('four fields per line round-trip; arbitrary text only gives problems', () => {
    const field = fc.stringMatching(/^[A-Za-z0-9_.@+-]{1,12}$/);
    const host = fc.stringMatching(/^[a-z0-9]{1,8}\.[a-z]{2,5}(:[1-9][0-9]{2,3})?$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(field, host, field, field), { maxLength: 4 }), hostile, (rows, junk) => {
        const parsed = parseConfigsFile(rows.map((r) => r.join('\t')).join('\n'), 'configs');
        assert.deepEqual(parsed.problems, []);
        assert.deepEqual(
          parsed.credentials.map((c) => [c.configuration, c.host, c.username, c.password]),
          rows,
        );
        const messy = parseConfigsFile(junk, 'configs');
        assert.ok(Array.isArray(messy.credentials) && Array.isArray(messy.problems));
      }),
      SETTINGS,
    );
  });
});

describe('registry events', () => {
  test('a valid event round-trips; any JSON returns or is BAD_REQUEST', () => {
    const event = fc.record({
      id: fc.uuid(),
      action: fc.constantFrom('push', 'pull', 'delete', 'mount'),
      repository: repositoryName,
      tag: tagName,
      size: fc.integer({ min: 0, max: 2 ** 40 }),
      actor: fc.stringMatching(/^[a-z0-9+._-]{0,20}$/),
    });
    fc.assert(
      fc.property(event, fc.jsonValue({ maxDepth: 4 }), (e, junk) => {
        const [parsed] = parseEnvelope({
          events: [
            {
              id: e.id,
              action: e.action,
              timestamp: '2026-12-01T12:00:00.123456789Z',
              target: { repository: e.repository, tag: e.tag, size: e.size },
              actor: { name: e.actor },
              request: { addr: '10.0.0.1:5555' },
            },
          ],
        });
        assert.deepEqual(
          [parsed?.id, parsed?.action, parsed?.repository, parsed?.tag, parsed?.size, parsed?.actor],
          [e.id, e.action, e.repository, e.tag, e.size, e.actor],
        );
        assert.equal(parsed?.time, Date.parse('2026-12-01T12:00:00.123Z'));
        assert.equal(parsed?.sourceAddress, '10.0.0.1');
        returnsOrRefuses(() => parseEnvelope(junk));
        returnsOrRefuses(() => parseEnvelope({ events: [junk] }));
        returnsOrRefuses(() => parseEnvelope({ events: [{ id: 'x', action: 'push', target: junk }] }));
      }),
      SETTINGS,
    );
  });
});

describe('configuration files', () => {
  test('any YAML text or mapping gives a configuration or CONFIG_INVALID', () => {
    const keys = fc.constantFrom(
      'listen',
      'mode',
      'data',
      'database',
      'token',
      'users',
      'groups',
      'registries',
      'x',
    );
    const mapping = fc.dictionary(keys, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
    fc.assert(
      fc.property(mapping, hostile, (doc, junk) => {
        for (const text of [YAML.stringify(doc), junk, `listen: ${junk}\n`]) {
          try {
            parseConfig(text, 'purser.yaml', {});
          } catch (error) {
            assert.equal((error as AuthorityError).code, 'CONFIG_INVALID', `${String(error)} for ${text}`);
          }
        }
      }),
      { ...SETTINGS, numRuns: 150 },
    );
  });

  test('a sound file parses', () => {
    const config = parseConfig('listen: 127.0.0.1:5001\nmode: private\n', 'purser.yaml', {});
    assert.equal(config.listen.port, 5001);
  });
});
