/**
 * The application services, one per aggregate, built once by the composition root. Every
 * surface (the HTTP API, the CLI's local mode through it, the configuration file at start, a
 * console) calls these and nothing below them.
 */
import type { Kysely } from 'kysely';
import type { AuditSink } from '../audit/audit-entry.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { CatalogServices } from '../catalog/catalog-services.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { SourceChain } from '../identity/source-chain.ts';
import type { PurserMetrics } from '../metrics/purser-metrics.ts';
import { ConsoleSessionStore } from '../store/console-session-store.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { RefreshTokenStore } from '../store/refresh-token-store.ts';
import type { Database } from '../store/schema.ts';
import { modelWriters } from '../store/writers/model-writers.ts';
import type { Vault } from '../vault/vault.ts';
import { AccessReviewService } from './access-review-service.ts';
import { AppService } from './app-service.ts';
import { AuditService } from './audit-service.ts';
import type { Authority } from './authority.ts';
import { ConsoleSsoService } from './console-sso-service.ts';
import { CredentialService } from './credential-service.ts';
import { ExplainService } from './explain-service.ts';
import { ExternalUsers } from './external-users.ts';
import { GroupService } from './group-service.ts';
import { IdentityService } from './identity-service.ts';
import { KeyService } from './key-service.ts';
import { RegistryConfigService } from './registry-config-service.ts';
import { RegistryEventService } from './registry-event-service.ts';
import { RegistryService } from './registry-service.ts';
import { RepositoryService } from './repository-service.ts';
import { RobotService } from './robot-service.ts';
import { RuleService } from './rule-service.ts';
import { SearchService } from './search-service.ts';
import { ServiceAccountService } from './service-account-service.ts';
import { SessionService } from './session-service.ts';
import { SsoService } from './sso-service.ts';
import { TagService } from './tag-service.ts';
import { TokenService } from './token-service.ts';
import { UserService } from './user-service.ts';

/** The services over the catalog (the repositories Purser knows) and the audit log. */
export interface CatalogApplicationServices {
  readonly repositories: RepositoryService;
  readonly tags: TagService;
  readonly search: SearchService;
  readonly registryEvents: RegistryEventService;
  readonly audit: AuditService;
}

export interface ApplicationServices extends CatalogApplicationServices {
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
  readonly accessReview: AccessReviewService;
  readonly credentials: CredentialService;
  readonly tokens: TokenService;
  readonly identity: IdentityService;
  readonly sso: SsoService;
  readonly sessions: SessionService;
  readonly consoleSso: ConsoleSsoService;
}

export interface CatalogServiceDeps {
  readonly db: Kysely<Database>;
  readonly catalog: CatalogServices;
  readonly audit: AuditSink;
  /** The stored audit log (queries); `audit` is where entries are recorded. */
  readonly auditLog: AuditLog;
  /** Aborted on shutdown (a discovery run in progress stops). */
  readonly shutdown: AbortSignal;
  /** Where searches, notifications and tokens are counted; not counted when absent. */
  readonly metrics?: PurserMetrics;
}

export interface ServiceDeps extends CatalogServiceDeps {
  readonly authority: Authority;
  readonly changes: ModelChanges;
  /** Token issuer name (also the audience of Purser's own API; no registry may take it). */
  readonly issuer: string;
  /** Purser's public URL (the token realm). */
  readonly publicUrl: string;
  readonly vault: Vault;
  /** Seals the secrets the services keep (the registries' notification secrets). */
  readonly box: SecretBox;
  readonly refreshTokens: RefreshTokenStore;
  /** The configured identity sources (empty: Purser's own accounts only). */
  readonly identitySources: SourceChain;
  /** Where each source is in the file (`identity.sources[0]`). */
  readonly identityLocations: ReadonlyMap<string, string>;
  /** Milliseconds without a request after which a console session ends. */
  readonly consoleIdleTimeout: number;
}

export function composeServices(deps: ServiceDeps): ApplicationServices {
  const { authority, changes, audit, issuer } = deps;
  const writers = modelWriters(deps.db);
  const registries = new RegistryService({ authority, writer: writers.registries, changes, audit, issuer });
  const users = new UserService({ authority, writer: writers.users, changes, audit });
  const externalUsers = new ExternalUsers({ authority, writer: writers.users, changes, audit });
  const tokens = new TokenService({
    authority,
    refreshTokens: deps.refreshTokens,
    audit,
    apiAudience: issuer,
    changes,
    metrics: deps.metrics,
  });
  const sso = new SsoService({ chain: deps.identitySources, users: externalUsers });
  const sessions = new SessionService({
    authority,
    sessions: new ConsoleSessionStore(deps.db),
    tokens,
    issuer,
    idleTimeout: deps.consoleIdleTimeout,
    me: (caller) => users.me(caller),
  });
  return {
    ...composeCatalogServices(deps),
    users,
    groups: new GroupService({ authority, writer: writers.groups, changes, audit }),
    apps: new AppService({ authority, writer: writers.apps, changes, audit }),
    serviceAccounts: new ServiceAccountService({ authority, writer: writers.services, changes, audit }),
    robots: new RobotService({ authority, writer: writers.robots, changes, audit }),
    registries,
    registryConfigs: new RegistryConfigService({
      authority,
      registries,
      db: deps.db,
      box: deps.box,
      publicUrl: deps.publicUrl,
      issuer,
    }),
    rules: new RuleService({ authority, writer: writers.rules, changes, audit }),
    keys: new KeyService({ authority, audit }),
    explain: new ExplainService({ authority }),
    accessReview: new AccessReviewService({ authority }),
    credentials: new CredentialService({ vault: deps.vault, db: deps.db, audit }),
    tokens,
    identity: new IdentityService({
      authority,
      chain: deps.identitySources,
      users: externalUsers,
      locations: deps.identityLocations,
    }),
    sso,
    sessions,
    consoleSso: new ConsoleSsoService({
      sso,
      sessions,
      box: deps.box,
      audit,
      publicUrl: deps.publicUrl,
      issuer,
    }),
  };
}

export function composeCatalogServices(deps: CatalogServiceDeps): CatalogApplicationServices {
  const { db, catalog, audit, metrics } = deps;
  return {
    repositories: new RepositoryService({ db, catalog, audit, shutdown: deps.shutdown }),
    tags: new TagService({ db, catalog, audit }),
    search: new SearchService({ db, catalog, metrics }),
    registryEvents: new RegistryEventService({ db, catalog, metrics }),
    audit: new AuditService({ db, log: deps.auditLog, catalog }),
  };
}
