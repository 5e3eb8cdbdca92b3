/** `identity.sources` in purser.yaml: the keys of issue 12, validated per kind, warnings with codes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigInvalid } from '../domain/errors.ts';
import { parseConfig } from './load.ts';

const ISSUE_EXAMPLE = `
identity:
  sources:
    - name: corp
      kind: ldap
      url: ldap://ldap.example.org:389
      start_tls: true
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

test("the issue's identity example is valid and kept in order; plain LDAP gets a warning", () => {
  const config = parseConfig(ISSUE_EXAMPLE, undefined, {});
  assert.deepEqual(
    config.identitySources.map((s) => [s.name, s.kind, s.timeoutMs]),
    [
      ['corp', 'ldap', 5000],
      ['otp', 'radius', 5000],
      ['sso', 'oidc', 5000],
    ],
  );
  assert.deepEqual(
    config.warnings.filter((w) => w.code.startsWith('IDENTITY_')),
    [],
  );
  const plain = parseConfig(
    'identity: { sources: [{ name: corp, kind: ldap, url: "ldap://ldap.example.org", user_base: "dc=x", bind_dn: "cn=a", bind_password: "Sup3r-Secret" }] }',
    undefined,
    {},
  );
  assert.deepEqual(
    plain.warnings.filter((w) => w.code.startsWith('IDENTITY_')).map((w) => [w.code, w.path]),
    [
      ['IDENTITY_INLINE_SECRET', 'identity.sources[0].bind_password'],
      ['IDENTITY_LDAP_CLEARTEXT', 'identity.sources[0]'],
    ],
  );
  assert.ok(plain.warnings.every((w) => !w.message.includes('Sup3r-Secret')));
});

test('identity problems name the key; secrets never appear in them', () => {
  const text = `
identity:
  sources:
    - { name: corp, kind: ldap, url: ldap://127.0.0.1:389, user_base: "dc=x", colour: blue, bind_dn: "cn=a", bind_password: "Sup3r-Secret" }
    - { name: otp, kind: radius, address: "radius.example.org:99999", secret: "Radius-Secret-1" }
    - { name: x, kind: kerberos }
  other: 1
`;
  assert.throws(
    () => parseConfig(text, undefined, {}),
    (error: ConfigInvalid) => {
      const problems = error.problems.join('\n');
      assert.match(problems, /identity\.other: unknown key/);
      assert.match(problems, /identity\.sources\[0\]\.colour: unknown key/);
      assert.match(problems, /identity\.sources\[1\]\.address: /);
      assert.match(problems, /identity\.sources\[2\]\.kind: must be ldap, radius or oidc/);
      assert.doesNotMatch(problems, /Sup3r-Secret|Radius-Secret-1/);
      return true;
    },
  );
});
