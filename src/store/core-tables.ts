import type { Generated } from 'kysely';

export interface GroupsTable {
  id: number;
  name: string;
  created_at: number;
}

export interface UsersTable {
  id: number;
  name: string;
  /** argon2id (`$argon2id$…`) or imported bcrypt (`$2y$`/`$2b$`); null = cannot log in with a password. */
  password_hash: string | null;
  /** JSON array of privilege names. */
  privileges: string;
  admin: number;
  disabled: number;
  /** Bumped on password change, disable or delete; refresh tokens and cache entries carry it. */
  credential_version: number;
  /** Random, never reused: a re-created namesake gets another (migration 005). */
  principal_id: string;
  /** The identity source the user is bound to; null = a local account. */
  source: string | null;
  /** The source's stable id of the person (LDAP DN, OIDC sub); null for local accounts. */
  external_id: string | null;
  created_at: number;
  updated_at: number;
  /** When `purser user unlock` last forgot the user's throttled logins (epoch ms, 0 = never). */
  unlocked_at: Generated<number>;
}

export interface UserGroupsTable {
  user_id: number;
  group_id: number;
  /** 0 = primary group. */
  position: number;
}

export interface AppsTable {
  id: number;
  name: string;
  created_at: number;
}

export interface AppGroupsTable {
  app_id: number;
  group_id: number;
  role: 'publication' | 'responsible';
}

export interface ServicesTable {
  id: Generated<number>;
  name: string;
  app_id: number | null;
  secret_hash: string;
  disabled: number;
  credential_version: number;
  /** Random, never reused: a re-created namesake gets another (migration 005). */
  principal_id: string;
  created_at: number;
  updated_at: number;
}

export interface RobotsTable {
  id: Generated<number>;
  name: string;
  secret_hash: string;
  /** JSON array of repository names or globs. */
  repositories: string;
  permission: 'read' | 'write' | 'admin';
  expires_at: number | null;
  disabled: number;
  credential_version: number;
  /** Random, never reused: a re-created namesake gets another (migration 005). */
  principal_id: string;
  created_at: number;
  updated_at: number;
}

export interface RegistriesTable {
  id: Generated<number>;
  service: string;
  url: string;
  insecure: number;
  restricted: number;
  /** Shared secret the registry sends on notifications (hashed). */
  notify_secret_hash: string | null;
  /** Seconds between discovery runs; null = default. */
  sync_interval: number | null;
  created_at: number;
  updated_at: number;
}

export interface RegistryGroupsTable {
  registry_id: number;
  group_id: number;
  role: 'publication' | 'responsible';
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** PKCS#8 PEM sealed by the master key (SecretBox). */
  private_key: string;
  certificate: string;
  /** 'active' signs and is published; 'published' is only published (kept for verification). */
  state: 'active' | 'published' | 'retired';
  created_at: number;
}

export interface RefreshTokensTable {
  /** SHA-256 of the token, hex. */
  token_hash: string;
  principal_kind: 'user' | 'service' | 'robot';
  principal_name: string;
  credential_version: number;
  /** The principal_id of the principal it was issued to; null only for tokens older than 005. */
  principal_id: string | null;
  service: string;
  client_id: string | null;
  created_at: number;
  last_used_at: number | null;
}

export interface PolicyRulesTable {
  id: Generated<number>;
  position: number;
  /** JSON of the rule (see src/policy/rule.ts). */
  body: string;
  created_at: number;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface IdentityCliSecretsTable {
  source: string;
  username: string;
  /** hashSecret() of the CLI secret. */
  hash: string;
  /** JSON of the ExternalIdentity as of the last interactive login or sync. */
  identity: string;
  issued_at: number;
  /** The provider's refresh token, sealed with the master key (migration 010); null: none. */
  refresh_token: string | null;
}

export interface CoreTables {
  identity_cli_secrets: IdentityCliSecretsTable;
  groups: GroupsTable;
  users: UsersTable;
  user_groups: UserGroupsTable;
  apps: AppsTable;
  app_groups: AppGroupsTable;
  services: ServicesTable;
  robots: RobotsTable;
  registries: RegistriesTable;
  registry_groups: RegistryGroupsTable;
  signing_keys: SigningKeysTable;
  refresh_tokens: RefreshTokensTable;
  policy_rules: PolicyRulesTable;
  meta: MetaTable;
}
