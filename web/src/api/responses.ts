/**
 * The reply type of each operation the console reads, taken from the server's own code: the
 * declarations tsconfig.api-types.json emits into web/.server-types/ (type imports only:
 * nothing of the server reaches the bundle; `npm run build` writes them before checking web/). An operation missing here replies
 * `unknown`, so a page cannot assume a shape the server does not declare.
 */
import type { AuditService } from '../../.server-types/app/audit-service.js';
import type { ConsoleSsoSource } from '../../.server-types/app/console-sso-service.js';
import type { CredentialService } from '../../.server-types/app/credential-service.js';
import type { ExplainService } from '../../.server-types/app/explain-service.js';
import type { KeyService } from '../../.server-types/app/key-service.js';
import type { RegeneratedSecret } from '../../.server-types/app/machine-accounts.js';
import type { RepositoryService } from '../../.server-types/app/repository-service.js';
import type { RobotService } from '../../.server-types/app/robot-service.js';
import type { SessionView } from '../../.server-types/app/session-service.js';
import type { TagService } from '../../.server-types/app/tag-service.js';
import type { AccountView } from '../../.server-types/app/user-service.js';
import type {
  AppView,
  GroupView,
  RegistryView,
  ServiceView,
  UserView,
} from '../../.server-types/app/views.js';
import type { RobotConfigs } from '../../.server-types/server/routes/api/robot-configs.js';
import type { searchBody } from '../../.server-types/server/routes/search.js';
import type { Operations } from './operations.gen.ts';

type Reply<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

interface Known {
  postSession: SessionView;
  getSession: SessionView;
  deleteSession: undefined;
  getSessionSso: { sources: ConsoleSsoSource[] };
  getSessionSsoFailure: { message: string | null };
  getMe: AccountView;
  getSearch: ReturnType<typeof searchBody>;
  getRegistries: { registries: RegistryView[] };
  getRegistriesService: RegistryView;
  postRegistries: RegistryView;
  patchRegistriesService: RegistryView;
  getRegistriesServiceRepositoriesName: Reply<RepositoryService['show']>;
  getRegistriesServiceSync: Reply<RepositoryService['lastSync']>;
  postRegistriesServiceSync: Reply<Reply<RepositoryService['authorizeSync']>>;
  deleteRegistriesServiceTagsName: Reply<TagService['delete']>;
  getAudit: Reply<AuditService['query']>;
  getAuditUsage: Reply<AuditService['usage']>;
  getAuditActivity: Reply<AuditService['activity']>;
  getEnvironments: { environments: Reply<CredentialService['listEnvironments']> };
  getEnvironmentsEnvCredentials: Reply<CredentialService['list']>;
  postEnvironmentsEnvCredentials: Reply<CredentialService['add']>;
  patchEnvironmentsEnvCredentialsAddress: Reply<CredentialService['update']>;
  postEnvironmentsEnvCredentialsAddressActivate: Reply<CredentialService['setState']>;
  postEnvironmentsEnvCredentialsAddressDeactivate: Reply<CredentialService['setState']>;
  deleteEnvironmentsEnvCredentialsAddress: Reply<CredentialService['remove']>;
  putEnvironmentsEnvSettings: Reply<CredentialService['updateSettings']>;
  getEnvironmentsEnv: Reply<CredentialService['settings']>;
  getUsers: { users: UserView[] };
  postUsers: UserView;
  patchUsersName: UserView;
  getGroups: { groups: GroupView[] };
  postGroups: GroupView;
  deleteGroupsName: undefined;
  getApps: { apps: AppView[] };
  postApps: AppView;
  patchAppsName: AppView;
  getServices: { services: ServiceView[] };
  postServices: ServiceView & { secret?: string };
  patchServicesName: ServiceView;
  postServicesNameRegenerate: RegeneratedSecret;
  getRobots: { robots: Reply<RobotService['list']> };
  postRobots: Reply<RobotService['create']> & { configs?: RobotConfigs };
  postRobotsNameRegenerate: RegeneratedSecret & { configs?: RobotConfigs };
  getExplain: Reply<ExplainService['explain']>;
  getKeys: { keys: Reply<KeyService['list']> };
  postKeysRotate: Reply<KeyService['rotate']>;
  postKeysKidRetire: { keys: Reply<KeyService['retire']> };
}

export type Responses<K extends keyof Operations> = K extends keyof Known ? Known[K] : unknown;
