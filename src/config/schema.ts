/**
 * The configuration file as written (WrittenConfig), schema-first: unknown keys are rejected,
 * defaults live in load.ts's normalization. `config.schema.json` is generated from this.
 */
import { type Static, Type as T } from '@sinclair/typebox';

const Name = T.String({ minLength: 1, maxLength: 255 });
const Id = T.Integer({ minimum: 1, maximum: 2_147_483_647 });
const Names = T.Array(Name);

export const GroupSchema = T.Object({ name: Name, id: T.Optional(Id) }, { additionalProperties: false });

export const UserSchema = T.Object(
  {
    name: Name,
    id: T.Optional(Id),
    password: T.Optional(T.String({ minLength: 1 })),
    password_hash: T.Optional(T.String({ minLength: 1 })),
    groups: T.Optional(Names),
    privileges: T.Optional(Names),
    admin: T.Optional(T.Boolean()),
    disabled: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

export const AppSchema = T.Object(
  { name: Name, id: T.Optional(Id), publications: T.Optional(Names), responsibles: T.Optional(Names) },
  { additionalProperties: false },
);

export const ServiceSchema = T.Object(
  {
    name: Name,
    app: T.Optional(Name),
    secret: T.String({ minLength: 1 }),
    disabled: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

export const RobotSchema = T.Object(
  {
    name: Name,
    secret: T.String({ minLength: 1 }),
    repositories: T.Array(T.String({ minLength: 1 }), { minItems: 1 }),
    permission: T.Union([T.Literal('read'), T.Literal('write'), T.Literal('admin')]),
    expires: T.Optional(T.Union([T.String({ minLength: 1 }), T.Null()])),
    disabled: T.Optional(T.Boolean()),
  },
  { additionalProperties: false },
);

export const RegistrySchema = T.Object(
  {
    service: Name,
    url: T.String({ minLength: 1 }),
    insecure: T.Optional(T.Boolean()),
    restricted: T.Optional(T.Boolean()),
    publications: T.Optional(Names),
    responsibles: T.Optional(Names),
    sync_interval: T.Optional(T.Integer({ minimum: 10 })),
  },
  { additionalProperties: false },
);

export const TokenSchema = T.Object(
  { issuer: T.Optional(T.String({ minLength: 1 })), lifetime: T.Optional(T.Integer()) },
  { additionalProperties: false },
);

export const LogSchema = T.Object(
  {
    level: T.Optional(
      T.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => T.Literal(l))),
    ),
  },
  { additionalProperties: false },
);

/** Custom policy rules are validated by the policy module (src/policy). */
export const RuleSchema = T.Record(T.String(), T.Unknown());

export const WrittenConfigSchema = T.Object(
  {
    listen: T.Optional(T.String({ minLength: 1 })),
    data: T.Optional(T.String({ minLength: 1 })),
    database: T.Optional(T.String({ minLength: 1 })),
    public_url: T.Optional(T.String({ minLength: 1 })),
    token: T.Optional(TokenSchema),
    mode: T.Optional(T.Union([T.Literal('private'), T.Literal('public')])),
    log: T.Optional(LogSchema),
    groups: T.Optional(T.Array(GroupSchema)),
    users: T.Optional(T.Array(UserSchema)),
    apps: T.Optional(T.Array(AppSchema)),
    services: T.Optional(T.Array(ServiceSchema)),
    robots: T.Optional(T.Array(RobotSchema)),
    registries: T.Optional(T.Array(RegistrySchema)),
    rules: T.Optional(T.Array(RuleSchema)),
  },
  { additionalProperties: false },
);

export type WrittenConfig = Static<typeof WrittenConfigSchema>;
export type WrittenUser = Static<typeof UserSchema>;
export type WrittenRobot = Static<typeof RobotSchema>;
export type WrittenRegistry = Static<typeof RegistrySchema>;
