import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import YAML from 'yaml';
import { ConfigInvalid } from '../../domain/errors.ts';
import { MemoryCliSecretStore } from '../cli-secret.ts';
import { createSources } from './create-source.ts';
import { parseIdentitySources } from './source-config.ts';

/** The example of issue 12, section 2, as written there. */
const ISSUE_EXAMPLE = `
identity:
  sources:
    - name: corp
      kind: ldap
      url: ldap://ldap.example.org:389
      bind_dn: cn=purser,ou=system,dc=example,dc=org
      bind_password_file: /run/secrets/ldap
      user_base: ou=people,dc=example,dc=org
      user_filter: "(uid={username})"
      group_base: ou=groups,dc=example,dc=org
      group_filter: "(member={dn})"
      group_name_attribute: cn
      groups: { registry-devs: dev }
      privileges:
        registry-pushers: [DockerRegistriesPuller, DockerRegistriesPusher]
      tls: { ca_file: /etc/ssl/corp-ca.pem }
      timeout: 5
      start_tls: true
    - name: otp
      kind: radius
      address: radius.example.org:1812
      secret_file: /run/secrets/radius
      groups_attribute: Filter-Id
      groups: { radius-devs: dev }
      privileges: { radius-devs: [DockerRegistriesPuller] }
    - name: sso
      kind: oidc
      issuer: https://idp.example.org/realms/main
      client_id: purser
      client_secret_file: /run/secrets/oidc
      username_claim: preferred_username
      groups_claim: groups
      groups: { registry-devs: dev }
      privileges: { registry-pushers: [DockerRegistriesPusher] }
`;

const sourcesOf = (yaml: string) => (YAML.parse(yaml) as { identity: { sources: unknown } }).identity.sources;

const FILES: Record<string, string> = {
  '/run/secrets/ldap': 'ldap-Bind-Pw\n',
  '/run/secrets/radius': 'radius-Secret',
  '/run/secrets/oidc': 'oidc-Secret\r\n',
  '/run/secrets/empty': '\n',
  '/etc/ssl/corp-ca.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
};
const readFile = (path: string) => {
  const text = FILES[path];
  if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  return text;
};

describe('identity.sources configuration', () => {
  test("the issue's example is valid, with defaults applied", () => {
    const { sources, problems, warnings } = parseIdentitySources(sourcesOf(ISSUE_EXAMPLE));
    assert.deepEqual(problems, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(
      sources.map((s) => [s.kind, s.name, s.timeoutMs]),
      [
        ['ldap', 'corp', 5000],
        ['radius', 'otp', 5000],
        ['oidc', 'sso', 5000],
      ],
    );
    const [corp, otp] = sources;
    assert.ok(corp?.kind === 'ldap' && otp?.kind === 'radius');
    assert.equal(corp.insecureSkipVerify, false);
    assert.deepEqual(corp.bindPassword, { file: '/run/secrets/ldap' });
    assert.deepEqual([otp.host, otp.port], ['radius.example.org', 1812]);
  });

  test('defaults: user_filter, group_filter, group_name_attribute, claims, timeout', () => {
    const { sources, problems } = parseIdentitySources([
      { name: 'a', kind: 'ldap', url: 'ldaps://ldap.example.org', user_base: 'dc=x' },
      { name: 'b', kind: 'oidc', issuer: 'https://idp.example.org', client_id: 'purser' },
    ]);
    assert.deepEqual(problems, []);
    const [a, b] = sources;
    assert.ok(a?.kind === 'ldap' && b?.kind === 'oidc');
    assert.deepEqual(
      [a.userFilter, a.groupFilter, a.groupNameAttribute, a.startTls, a.timeoutMs],
      ['(uid={username})', '(member={dn})', 'cn', false, 5000],
    );
    assert.deepEqual(
      [b.usernameClaim, b.groupsClaim, b.clientSecret],
      ['preferred_username', 'groups', undefined],
    );
  });

  test('unknown keys, unknown kinds and bad values are refused with their path', () => {
    const { problems } = parseIdentitySources([
      { name: 'corp', kind: 'ldap', url: 'ldap://127.0.0.1', user_base: 'dc=x', bind_pasword: 'x' },
      { name: 'x', kind: 'kerberos' },
      { name: 'r', kind: 'radius', address: 'r:1812', secret: 's', tls: {} },
      { name: 'o', kind: 'oidc', issuer: 'https://i', client_id: 'c', timeout: 0 },
      { name: 'Bad Name', kind: 'oidc', issuer: 'https://i', client_id: 'c' },
      { name: 'l', kind: 'ldap', url: 'ldaps://h', user_base: 'dc=x', tls: { ca: 'x' } },
    ]);
    assert.deepEqual(problems, [
      'identity.sources[0].bind_pasword: unknown key',
      'identity.sources[1].kind: must be ldap, radius or oidc',
      'identity.sources[2].tls: unknown key',
      'identity.sources[3].timeout: expected number to be greater than 0',
      "identity.sources[4].name: expected string to match '^[a-z][a-z0-9-]{0,62}$'",
      'identity.sources[5].tls.ca: unknown key',
    ]);
  });

  test('rules a schema cannot state', () => {
    const { problems } = parseIdentitySources([
      {
        name: 'a',
        kind: 'ldap',
        url: 'ldaps://h',
        start_tls: true,
        bind_dn: 'cn=x',
        bind_password: 'p',
        bind_password_file: '/f',
        user_base: 'dc=x',
        user_filter: '(uid=%s)',
        group_filter: '(member={dn}',
      },
      { name: 'a', kind: 'radius', address: 'r:99999', groups_attribute: 'Group-Name', groups: { g: 'dev' } },
      { name: 'c', kind: 'radius', address: 'r', secret: 's', groups: { g: 'dev' } },
      {
        name: 'd',
        kind: 'oidc',
        issuer: 'http://idp.example.org',
        client_id: 'c',
        privileges: { g: ['root'] },
      },
      { name: 'e', kind: 'ldap', url: 'ldap://h', user_base: 'dc=x', tls: { ca_file: '/ca' } },
      { name: 'f', kind: 'ldap', url: 'ldap://', user_base: 'dc=x' },
    ]);
    // The parser's own words follow "not an LDAP filter"; they are ldapts's, not ours.
    const ours = problems.map((p) => p.replace(/not an LDAP filter \(.*\)$/, 'not an LDAP filter (…)'));
    assert.deepEqual(ours, [
      'identity.sources[0].start_tls: ldaps:// is TLS already; use ldap:// with start_tls',
      'identity.sources[0].user_filter: must contain {username}',
      'identity.sources[0].group_filter: not an LDAP filter (…)',
      'identity.sources[0].bind_password: give bind_password_file or bind_password, not both',
      'identity.sources[0]: bind_dn needs bind_password_file (or bind_password)',
      'identity.sources[1].name: "a" is already the name of identity.sources[0]',
      'identity.sources[1].address: expected HOST:PORT, e.g. radius.example.org:1812',
      'identity.sources[1]: give secret_file (or secret): the shared secret',
      'identity.sources[1].groups_attribute: "Group-Name" is not an RFC RADIUS attribute (e.g. Filter-Id, Class)',
      'identity.sources[2]: groups and privileges need groups_attribute, the reply attribute that names groups',
      'identity.sources[3].issuer: an https:// URL (plain http only on a loopback address)',
      'identity.sources[3].privileges.g[0]: unknown privilege "root" (use DockerRegistriesPuller, DockerRegistriesPusher, DockerRegistriesManager)',
      'identity.sources[4].tls: applies to ldaps:// or start_tls: true',
      'identity.sources[5].url: expected ldap://HOST:PORT or ldaps://HOST:PORT',
    ]);
  });

  test('unsafe settings that work give warnings with stable codes', () => {
    const { problems, warnings } = parseIdentitySources([
      {
        name: 'a',
        kind: 'ldap',
        url: 'ldap://ldap.example.org',
        user_base: 'dc=x',
        bind_dn: 'cn=p',
        bind_password: 'inline-Pw',
      },
      { name: 'b', kind: 'ldap', url: 'ldaps://h', user_base: 'dc=x', tls: { insecure_skip_verify: true } },
      { name: 'c', kind: 'ldap', url: 'ldap://127.0.0.1:3389', user_base: 'dc=x' },
    ]);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      warnings.map((w) => w.code),
      ['IDENTITY_INLINE_SECRET', 'IDENTITY_LDAP_CLEARTEXT', 'IDENTITY_TLS_UNVERIFIED'],
    );
    assert.ok(!JSON.stringify(warnings).includes('inline-Pw'));
  });

  test('createSources reads the secret files and makes the sources in order', async () => {
    const { sources } = parseIdentitySources(sourcesOf(ISSUE_EXAMPLE));
    const entries = createSources(sources, { cliSecrets: new MemoryCliSecretStore(), readFile });
    assert.deepEqual(
      entries.map((e) => [e.source.name, e.source.kind, e.source.timeoutMs]),
      [
        ['corp', 'ldap', 5000],
        ['otp', 'radius', 5000],
        ['sso', 'oidc', 5000],
      ],
    );
    assert.deepEqual(entries[0]?.mapping.groups, [['registry-devs', ['dev']]]);
    await Promise.all(entries.map((e) => e.source.close()));
  });

  test('unreadable or empty files are all reported, by path, never by content', () => {
    const { sources } = parseIdentitySources([
      { name: 'a', kind: 'radius', address: 'r:1812', secret_file: '/run/secrets/missing' },
      { name: 'b', kind: 'radius', address: 'r:1812', secret_file: '/run/secrets/empty' },
      { name: 'c', kind: 'ldap', url: 'ldaps://h', user_base: 'dc=x', tls: { ca_file: '/run/secrets/ldap' } },
    ]);
    assert.throws(
      () => createSources(sources, { cliSecrets: new MemoryCliSecretStore(), readFile }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigInvalid);
        assert.deepEqual(error.problems, [
          'identity.sources[0].secret_file: cannot read the secret file /run/secrets/missing (ENOENT)',
          'identity.sources[1].secret_file: /run/secrets/empty is empty',
          'identity.sources[2].tls.ca_file: /run/secrets/ldap holds no PEM certificate',
        ]);
        assert.ok(!error.message.includes('ldap-Bind-Pw'));
        return true;
      },
    );
  });
});
