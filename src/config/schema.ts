/**
 * The configuration file as written (WrittenConfig), schema-first: unknown keys are rejected,
 * and the defaults of the settings are here (`default`, applied by load.ts with Value.Default).
 * `config.schema.json` and `docs/config.md` are generated from this (`npm run gen:config`);
 * config-docs.test.ts fails when they drift. `hint` is the expected form shown in a problem,
 * `unit` follows a number in one, `env` names the variable used when the key is absent, and
 * `defaultText` documents a default that is derived rather than fixed.
 */

import { type Static, Type as T } from '@sinclair/typebox';
import { RefreshSchema } from '../refresh/refresh-config.ts';
import { ConsoleSchema } from './console-schema.ts';
import { LOG_LEVELS } from './log-levels.ts';
import { LoginThrottleSchema } from './login-throttle-config.ts';
import { SERVING_KEYS } from './serving-schema.ts';

const NAME = { minLength: 1, maxLength: 255 } as const;
const Name = T.String(NAME);
const Id = T.Integer({
  minimum: 1,
  maximum: 2_147_483_647,
  description: 'Numeric id (assigned when absent)',
});
const Names = (description: string) => T.Array(Name, { description });
const Disabled = T.Boolean({ default: false, description: 'Cannot log in while true' });

export const GroupSchema = T.Object(
  { name: T.String({ ...NAME, description: 'Group name (not all digits)' }), id: T.Optional(Id) },
  { additionalProperties: false, description: 'A group of users' },
);

export const UserSchema = T.Object(
  {
    name: T.String({
      ...NAME,
      description: "User name: letters, digits, '.', '_', '@' and '-' (not all digits)",
    }),
    id: T.Optional(Id),
    password: T.Optional(
      T.String({ minLength: 1, description: 'Password in clear (hashed with argon2id at start)' }),
    ),
    password_hash: T.Optional(
      T.String({ minLength: 1, description: 'argon2id or bcrypt ($2y$/$2b$) hash, instead of password' }),
    ),
    groups: T.Optional(Names('Groups; the first is the primary group; missing groups are created')),
    privileges: T.Optional(
      Names(
        'DockerRegistriesPuller, DockerRegistriesPusher, DockerRegistriesManager (or puller, pusher, manager)',
      ),
    ),
    admin: T.Optional(T.Boolean({ default: false, description: 'Administrator' })),
    disabled: T.Optional(Disabled),
  },
  { additionalProperties: false, description: 'A person who logs in with a password' },
);

export const AppSchema = T.Object(
  {
    name: T.String({ ...NAME, description: 'Application name; its images live under apps/<name>/' }),
    id: T.Optional(Id),
    publications: T.Optional(Names('Groups whose members may pull apps/<name>/...')),
    responsibles: T.Optional(Names('Groups whose members may push apps/<name>/...')),
  },
  { additionalProperties: false, description: 'An application' },
);

export const ServiceSchema = T.Object(
  {
    name: T.String({ ...NAME, description: 'Service account name, usually the host name of the machine' }),
    app: T.Optional(T.String({ ...NAME, description: 'The app it runs (pulls apps/<app>/...)' })),
    secret: T.String({ minLength: 1, description: 'Its secret (random, at least 16 characters)' }),
    disabled: T.Optional(Disabled),
  },
  { additionalProperties: false, description: 'A machine that pulls its app' },
);

export const RobotSchema = T.Object(
  {
    name: T.String({ ...NAME, description: 'owner+name, for example ci+builder' }),
    secret: T.String({ minLength: 1, description: 'Its secret (random, at least 16 characters)' }),
    repositories: T.Array(T.String({ minLength: 1 }), {
      minItems: 1,
      description: 'Repository names or globs (* within a path component, ** across /)',
    }),
    permission: T.Union([T.Literal('read'), T.Literal('write'), T.Literal('admin')], {
      description: 'read = pull, write = pull+push, admin = pull+push+delete',
    }),
    expires: T.Optional(
      T.Union([T.String({ minLength: 1 }), T.Null()], {
        description: 'YYYY-MM-DD (end of that day, UTC) or an ISO date-time; null = never',
      }),
    ),
    disabled: T.Optional(Disabled),
  },
  { additionalProperties: false, description: 'A CI credential limited to some repositories' },
);

export const RegistrySchema = T.Object(
  {
    service: T.String({
      ...NAME,
      description: "The registry's token service (REGISTRY_AUTH_TOKEN_SERVICE), the audience of its tokens",
    }),
    url: T.String({ minLength: 1, hint: 'an http:// or https:// URL', description: 'The registry URL' }),
    insecure: T.Optional(
      T.Boolean({
        default: false,
        description:
          "Purser's own calls (discovery, tag deletion) skip certificate verification, as Docker's insecure-registries",
      }),
    ),
    restricted: T.Optional(
      T.Boolean({
        default: false,
        description: 'Pushing needs a responsible group, not a publication group',
      }),
    ),
    publications: T.Optional(Names('Groups whose members may pull')),
    responsibles: T.Optional(Names('Groups whose members may push and manage it')),
    sync_interval: T.Optional(
      T.Integer({
        minimum: 10,
        unit: 'seconds',
        description: 'Catalog discovery interval (server default when absent)',
      }),
    ),
  },
  { additionalProperties: false, description: 'A registry Purser issues tokens for' },
);

export const TokenSchema = T.Object(
  {
    issuer: T.Optional(
      T.String({ minLength: 1, default: 'purser', description: 'The iss claim; registries check it' }),
    ),
    lifetime: T.Optional(
      T.Integer({
        minimum: 60,
        maximum: 86_400,
        default: 300,
        unit: 'seconds',
        description: 'How long a registry token is valid',
      }),
    ),
    reuse: T.Optional(
      T.Boolean({
        default: true,
        description:
          'Hand out a token signed moments ago again for an identical grant while 80 % of its lifetime remains (saves the signature in pull storms; dropped on any change to the access model or keys)',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'The tokens Purser signs' },
);

export { LOG_LEVELS };

export const LogSchema = T.Object(
  {
    level: T.Optional(
      T.Union(
        LOG_LEVELS.map((l) => T.Literal(l)),
        { default: 'info', env: 'PURSER_LOG_LEVEL', description: 'Log level (JSON lines on stdout)' },
      ),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Logging' },
);

export const AuditSchema = T.Object(
  {
    retention_days: T.Optional(
      T.Integer({
        minimum: 1,
        maximum: 36_500,
        default: 400,
        unit: 'days',
        description:
          'Audit entries older than this are deleted by the background prune and purser audit prune',
      }),
    ),
    max_rows: T.Optional(
      T.Integer({
        minimum: 1_000,
        maximum: 1_000_000_000,
        default: 10_000_000,
        unit: 'rows',
        description:
          'Most rows the audit log keeps; the oldest beyond it are deleted (after repeated token grants are compacted)',
      }),
    ),
  },
  { additionalProperties: false, default: {}, description: 'Audit log retention' },
);

/** Custom policy rules are validated by the policy module (src/policy: validateRules). */
export const RuleSchema = T.Record(T.String(), T.Unknown(), {
  description: 'A custom allow/deny rule (purser rules --help)',
});

/**
 * `identity.sources`: each entry is checked against the schema of its kind (ldap, radius, oidc)
 * by identity/sources/source-config.ts, which words its problems per kind; docs/identity.md
 * lists the keys.
 */
export const IdentitySchema = T.Object(
  {
    sources: T.Optional(
      T.Array(T.Record(T.String(), T.Unknown()), {
        description:
          "Identity sources (kind: ldap, radius or oidc), tried in this order after Purser's own accounts; keys in docs/identity.md",
      }),
    ),
  },
  { additionalProperties: false, description: "Where people log in from besides Purser's own accounts" },
);

export const WrittenConfigSchema = T.Object(
  {
    listen: T.Optional(
      T.String({
        minLength: 1,
        default: '127.0.0.1:5001',
        hint: 'HOST:PORT, for example 127.0.0.1:5001',
        description: 'Address and port to listen on (HOST:PORT; [::1]:PORT for IPv6)',
      }),
    ),
    data: T.Optional(
      T.String({
        minLength: 1,
        env: 'PURSER_DATA',
        defaultText:
          '$XDG_DATA_HOME/purser (~/.local/share/purser), /var/lib/purser for root when it exists; a found ./purser-data is used with a deprecation notice',
        description:
          'Data directory: SQLite database, signing keys, master key (created 0700); relative to this file',
      }),
    ),
    database: T.Optional(
      T.String({
        minLength: 1,
        hint: 'a postgres:// URL',
        description: 'PostgreSQL URL shared by replicas (SQLite in the data directory when absent)',
      }),
    ),
    public_url: T.Optional(
      T.String({
        minLength: 1,
        hint: 'an http:// or https:// URL',
        defaultText: 'http://<listen>',
        description:
          'The URL clients and registries reach Purser at: the realm of the tokens, the notification endpoint',
      }),
    ),
    token: T.Optional(TokenSchema),
    mode: T.Optional(
      T.Union([T.Literal('private'), T.Literal('public')], {
        default: 'private',
        description: 'public lets anonymous clients pull what the policy allows anonymous',
      }),
    ),
    log: T.Optional(LogSchema),
    login_throttle: T.Optional(LoginThrottleSchema),
    identity: T.Optional(IdentitySchema),
    // Production serving (issue 13): TLS, proxies, metrics, shutdown, workers, log_level.
    ...SERVING_KEYS,
    audit: T.Optional(AuditSchema),
    console: T.Optional(ConsoleSchema),
    groups: T.Optional(T.Array(GroupSchema, { description: 'Groups created or updated at start' })),
    users: T.Optional(T.Array(UserSchema, { description: 'Users created or updated at start' })),
    apps: T.Optional(T.Array(AppSchema, { description: 'Applications created or updated at start' })),
    services: T.Optional(
      T.Array(ServiceSchema, { description: 'Service accounts created or updated at start' }),
    ),
    robots: T.Optional(T.Array(RobotSchema, { description: 'Robot accounts created or updated at start' })),
    registries: T.Optional(
      T.Array(RegistrySchema, { description: 'Registries created or updated at start' }),
    ),
    rules: T.Optional(
      T.Array(RuleSchema, {
        description: 'Custom rules, in order; when given, they replace the stored ones at start',
      }),
    ),
    refresh: T.Optional(RefreshSchema),
  },
  { additionalProperties: false, title: 'Purser configuration (purser.yaml)' },
);

export type WrittenConfig = Static<typeof WrittenConfigSchema>;
export type WrittenUser = Static<typeof UserSchema>;
export type WrittenRobot = Static<typeof RobotSchema>;
export type WrittenRegistry = Static<typeof RegistrySchema>;
