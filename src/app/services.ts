/**
 * The application services, one per aggregate, built once by the composition root. Every
 * surface (the HTTP API, the CLI's local mode through it, the configuration file at start, a
 * console) calls these and nothing below them.
 */
import type { Kysely } from 'kysely';
import type { AuditSink } from '../audit/audit-entry.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { Database } from '../store/schema.ts';
import { modelWriters } from '../store/writers/model-writers.ts';
import type { Vault } from '../vault/vault.ts';
import { AppService } from './app-service.ts';
import type { Authority } from './authority.ts';
import { CredentialService } from './credential-service.ts';
import { ExplainService } from './explain-service.ts';
import { GroupService } from './group-service.ts';
import { KeyService } from './key-service.ts';
import { RegistryConfigService } from './registry-config-service.ts';
import { RegistryService } from './registry-service.ts';
import { RobotService } from './robot-service.ts';
import { RuleService } from './rule-service.ts';
import { ServiceAccountService } from './service-account-service.ts';
import { UserService } from './user-service.ts';

export interface ApplicationServices {
  readonly users: UserService;
  readonly groups: GroupService;
  readonly apps: AppService;
  readonly serviceAccounts: ServiceAccountService;
  readonly robots: RobotService;
  readonly registries: RegistryService;
  readonly registryConfigs: RegistryConfigService;
  readonly rules: RuleService;
  readonly keys: KeyService;
  readonly explain: ExplainService;
  readonly credentials: CredentialService;
}

export interface ServiceDeps {
  readonly db: Kysely<Database>;
  readonly authority: Authority;
  readonly changes: ModelChanges;
  readonly audit: AuditSink;
  /** Token issuer name (also the audience of Purser's own API; no registry may take it). */
  readonly issuer: string;
  /** Purser's public URL (the token realm). */
  readonly publicUrl: string;
  readonly vault: Vault;
}

export function composeServices(deps: ServiceDeps): ApplicationServices {
  const { authority, changes, audit, issuer } = deps;
  const writers = modelWriters(deps.db);
  const registries = new RegistryService({ authority, writer: writers.registries, changes, audit, issuer });
  return {
    users: new UserService({ authority, writer: writers.users, changes, audit }),
    groups: new GroupService({ authority, writer: writers.groups, changes, audit }),
    apps: new AppService({ authority, writer: writers.apps, changes, audit }),
    serviceAccounts: new ServiceAccountService({ authority, writer: writers.services, changes, audit }),
    robots: new RobotService({ authority, writer: writers.robots, changes, audit }),
    registries,
    registryConfigs: new RegistryConfigService({
      authority,
      registries,
      db: deps.db,
      publicUrl: deps.publicUrl,
      issuer,
    }),
    rules: new RuleService({ authority, writer: writers.rules, changes, audit }),
    keys: new KeyService({ authority, audit }),
    explain: new ExplainService({ authority }),
    credentials: new CredentialService({ vault: deps.vault, db: deps.db, audit }),
  };
}
