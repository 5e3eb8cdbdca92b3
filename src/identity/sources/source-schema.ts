/**
 * The TypeBox schemas of `identity.sources` entries, one per kind: the keys of issue 12 and no
 * others (unknown keys are refused), with the defaults in the schema. source-config.ts validates
 * against them and checks what a schema cannot state.
 */
import { type Static, Type as T } from '@sinclair/typebox';

const Text = T.String({ minLength: 1 });
const SourceName = T.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' });
const Timeout = T.Optional(T.Number({ exclusiveMinimum: 0, maximum: 60, default: 5 }));
const Groups = T.Optional(
  T.Record(T.String({ minLength: 1 }), T.Union([Text, T.Array(Text, { minItems: 1 })])),
);
const Privileges = T.Optional(T.Record(T.String({ minLength: 1 }), T.Array(Text)));

export const LdapSourceSchema = T.Object(
  {
    name: SourceName,
    kind: T.Literal('ldap'),
    url: T.String({ pattern: '^ldaps?://' }),
    start_tls: T.Optional(T.Boolean({ default: false })),
    bind_dn: T.Optional(Text),
    bind_password_file: T.Optional(Text),
    bind_password: T.Optional(Text),
    user_base: Text,
    user_filter: T.Optional(T.String({ minLength: 1, default: '(uid={username})' })),
    group_base: T.Optional(Text),
    group_filter: T.Optional(T.String({ minLength: 1, default: '(member={dn})' })),
    group_name_attribute: T.Optional(T.String({ pattern: '^[A-Za-z][A-Za-z0-9-]*$', default: 'cn' })),
    groups: Groups,
    privileges: Privileges,
    tls: T.Optional(
      T.Object(
        { ca_file: T.Optional(Text), insecure_skip_verify: T.Optional(T.Boolean({ default: false })) },
        { additionalProperties: false },
      ),
    ),
    timeout: Timeout,
  },
  { additionalProperties: false },
);

export const RadiusSourceSchema = T.Object(
  {
    name: SourceName,
    kind: T.Literal('radius'),
    address: Text,
    secret_file: T.Optional(Text),
    secret: T.Optional(Text),
    groups_attribute: T.Optional(Text),
    groups: Groups,
    privileges: Privileges,
    timeout: Timeout,
  },
  { additionalProperties: false },
);

export const OidcSourceSchema = T.Object(
  {
    name: SourceName,
    kind: T.Literal('oidc'),
    display_name: T.Optional(
      T.String({
        minLength: 1,
        maxLength: 63,
        description: 'Shown on the console\'s "Sign in with …" button (default: the source name)',
      }),
    ),
    issuer: Text,
    client_id: Text,
    client_secret_file: T.Optional(Text),
    client_secret: T.Optional(Text),
    username_claim: T.Optional(T.String({ minLength: 1, default: 'preferred_username' })),
    groups_claim: T.Optional(T.String({ minLength: 1, default: 'groups' })),
    groups: Groups,
    privileges: Privileges,
    timeout: Timeout,
  },
  { additionalProperties: false },
);

/** For the WrittenConfig schema (phase 2): `identity: { sources: [...] }`. */
export const IdentitySourcesSchema = T.Array(
  T.Union([LdapSourceSchema, RadiusSourceSchema, OidcSourceSchema]),
);

export type WrittenLdapSource = Static<typeof LdapSourceSchema>;
export type WrittenRadiusSource = Static<typeof RadiusSourceSchema>;
export type WrittenOidcSource = Static<typeof OidcSourceSchema>;
