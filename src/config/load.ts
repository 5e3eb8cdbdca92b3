/**
 * Loads and validates the configuration once: YAML → WrittenConfig (schema, defaults from the
 * schema) → Config (normalized, cross-references checked). Every problem is collected as
 * `path: message` and thrown together as ConfigInvalid, schema and semantic problems in one
 * round; unsafe settings become warnings with codes (warnings.ts). The result is deep-frozen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import YAML from 'yaml';
import { configuredDataDir, defaultDataDir } from '../app/locations.cts';
import type { AuditRetention } from '../audit/audit-prune.ts';
import { type EntityKind, nameProblem } from '../domain/entity-names.ts';
import { ConfigInvalid } from '../domain/errors.ts';
import { parseExpiry } from '../domain/expiry.ts';
import { type AccessMode, PRIVILEGES } from '../domain/model.ts';
import { normalizePrivilege } from '../domain/privilege.ts';
import type { LoginThrottleSettings } from '../identity/login-throttle.ts';
import {
  parseIdentitySources,
  type SourceConfig,
  type SourceWarning,
} from '../identity/sources/source-config.ts';
import { validateRules } from '../policy/rule.ts';
import { loginThrottleSettings, type WrittenLoginThrottle } from './login-throttle-config.ts';
import { type WrittenConfig, WrittenConfigSchema } from './schema.ts';
import { prune, schemaProblems } from './schema-problems.ts';
import { schemaKeys } from './schema-walk.ts';
import {
  type ListenAddress,
  logLevel,
  parseListenAddress,
  type ServingConfig,
  servingConfig,
} from './serving.ts';
import { CONFIG_WARNINGS, type ConfigWarning, configWarnings } from './warnings.ts';

export type { ListenAddress };

export interface Config {
  readonly file: string | undefined;
  readonly listen: ListenAddress;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly token: { readonly issuer: string; readonly lifetime: number; readonly reuse: boolean };
  /** Seconds without a request after which a console session ends. */
  readonly consoleIdleTimeout: number;
  readonly mode: AccessMode;
  readonly logLevel: string;
  readonly loginThrottle: LoginThrottleSettings;
  /** Audit retention: the background prune and `purser audit prune` use it. */
  readonly audit: AuditRetention;
  /** The declared objects, validated, with the schema's defaults; applied to the store at start. */
  readonly declared: WrittenConfig;
  /** `identity.sources`, validated and normalized, in the order they are tried. */
  readonly identitySources: readonly SourceConfig[];
  /** TLS, trusted proxies, metrics address, shutdown grace, workers (serving-schema.ts). */
  readonly serving: ServingConfig;
  /** Valid but unsafe settings (`mode: public`, a plain-http public_url…), for `purser serve` to print. */
  readonly warnings: readonly ConfigWarning[];
}

/** The settings with their defaults (the file written empty); what embedded mode uses without a file. */
type Defaulted = WrittenConfig & {
  listen: string;
  data: string;
  mode: AccessMode;
  token: { issuer: string; lifetime: number; reuse: boolean };
  log: { level: string };
  login_throttle: Required<WrittenLoginThrottle>;
  audit: { retention_days: number; max_rows: number };
  console: { session_idle_timeout: number };
};

export function loadConfigFile(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  if (!file) return build({}, undefined, env, []);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigInvalid([`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  return parseConfig(text, file, env);
}

export function parseConfig(
  text: string,
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Config {
  const document = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new ConfigInvalid(document.errors.map((e) => `${file ?? 'config'}: ${e.message.split('\n')[0]}`));
  }
  const raw: unknown = document.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigInvalid(['(root): must be a mapping of keys to values']);
  }
  const found = schemaProblems(WrittenConfigSchema, raw);
  // What is wrong is left out, so the checks below still run on the rest: one round of problems.
  const sound = found.length === 0 ? raw : prune(WrittenConfigSchema, raw, found);
  return build(
    sound as WrittenConfig,
    file,
    env,
    found.map((p) => p.text),
  );
}

/** Keys with an `env` in the schema take that variable when the file does not give them. */
function withEnvironment(written: WrittenConfig, env: NodeJS.ProcessEnv, problems: string[]): WrittenConfig {
  const result = Value.Clone(written) as Record<string, unknown>;
  for (const key of schemaKeys(WrittenConfigSchema)) {
    const variable = key.schema.env as string | undefined;
    const value = variable ? env[variable] : undefined;
    if (!variable || value === undefined || value === '') continue;
    const parts = key.path.split('.');
    let parent = result;
    for (const part of parts.slice(0, -1)) {
      parent[part] ??= {};
      parent = parent[part] as Record<string, unknown>;
    }
    const leaf = parts[parts.length - 1]!;
    if (parent[leaf] !== undefined) continue;
    const wrong = schemaProblems(key.schema, value, variable);
    if (wrong.length > 0) problems.push(...wrong.map((p) => p.text));
    else parent[leaf] = value;
  }
  return result as WrittenConfig;
}

function build(
  written: WrittenConfig,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  found: string[],
): Config {
  const problems = [...found];
  const declared = Value.Default(WrittenConfigSchema, withEnvironment(written, env, problems)) as Defaulted;
  const listen = parseListenAddress(declared.listen, 'listen', problems);
  const serving = servingConfig(declared, file, problems);
  const level = logLevel(written, declared, problems);
  const publicUrl = (
    declared.public_url ??
    `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`
  ).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+(\/.*)?$/.test(publicUrl))
    problems.push(`public_url: expected an http:// or https:// URL, got ${JSON.stringify(publicUrl)}`);
  if (declared.database !== undefined && !/^postgres(ql)?:\/\//.test(declared.database)) {
    problems.push('database: must be a postgres:// URL (SQLite in the data directory is the default)');
  }
  checkDeclared(declared, problems);
  const identity = parseIdentitySources(declared.identity?.sources);
  problems.push(...identity.problems);
  // A key the schema already refused is not reported a second time by the checks above.
  const refused = new Set(found.map((problem) => problem.slice(0, problem.indexOf(': '))));
  const all = [
    ...found,
    ...problems.slice(found.length).filter((p) => !refused.has(p.slice(0, p.indexOf(': ')))),
  ];
  if (all.length > 0) throw new ConfigInvalid(all);
  // A relative `data` is relative to the configuration file, never to the caller's directory.
  const dataDir =
    written.data === undefined
      ? defaultDataDir(env).dataDir
      : configuredDataDir(written.data, file ?? path.join(process.cwd(), 'purser.yaml')).dataDir;
  return deepFreeze({
    file: file === undefined ? undefined : path.resolve(file),
    listen,
    dataDir,
    databaseUrl: declared.database,
    publicUrl,
    token: { issuer: declared.token.issuer, lifetime: declared.token.lifetime, reuse: declared.token.reuse },
    consoleIdleTimeout: declared.console.session_idle_timeout,
    mode: declared.mode,
    logLevel: level,
    loginThrottle: loginThrottleSettings(declared.login_throttle),
    audit: { retentionDays: declared.audit.retention_days, maxRows: declared.audit.max_rows },
    declared,
    serving,
    identitySources: identity.sources,
    warnings: [
      ...configWarnings(declared, publicUrl, file, {
        listenHost: listen.host,
        tls: serving.tls !== undefined,
      }),
      ...identity.warnings.map((w) => sourceWarning(w)),
    ],
  });
}

/** A source warning (`identity.sources[0]: …` message) as a configuration warning with its key. */
function sourceWarning(warning: SourceWarning): ConfigWarning {
  const colon = warning.message.indexOf(': ');
  return {
    code: warning.code,
    path: colon > 0 ? warning.message.slice(0, colon) : 'identity.sources',
    message: `${CONFIG_WARNINGS[warning.code]} (${warning.message})`,
  };
}

function checkDeclared(c: WrittenConfig, problems: string[]): void {
  const groupNames = new Set<string>();
  const ids = { groups: new Set<number>(), users: new Set<number>(), apps: new Set<number>() };
  // The entity name rules (src/domain/entity-names.ts) are the ones the API and the store apply.
  const checkName = (kind: EntityKind, name: string, where: string) => {
    const problem = nameProblem(kind, name);
    if (problem !== undefined) problems.push(`${where}: ${problem}`);
  };
  const checkGroups = (names: readonly string[] | undefined, where: string) => {
    names?.forEach((name, j) => {
      checkName('group', name, `${where}[${j}]`);
    });
  };
  each(c.groups, (g, i) => {
    checkName('group', g.name, `groups[${i}].name`);
    if (groupNames.has(g.name)) problems.push(`groups[${i}].name: duplicate group "${g.name}"`);
    groupNames.add(g.name);
    if (g.id !== undefined && ids.groups.has(g.id)) problems.push(`groups[${i}].id: duplicate id ${g.id}`);
    if (g.id !== undefined) ids.groups.add(g.id);
  });
  // Groups named by users, apps or registries but not declared are created implicitly.
  const principalNames = new Map<string, string>();
  const claim = (name: string, where: string) => {
    const previous = principalNames.get(name);
    if (previous) problems.push(`${where}: the name "${name}" is already used by ${previous}`);
    else principalNames.set(name, where);
  };
  each(c.users, (u, i) => {
    const at = `users[${i}]`;
    checkName('user', u.name, `${at}.name`);
    claim(u.name, at);
    if (u.id !== undefined && ids.users.has(u.id)) problems.push(`${at}.id: duplicate id ${u.id}`);
    if (u.id !== undefined) ids.users.add(u.id);
    if (u.password !== undefined && u.password_hash !== undefined)
      problems.push(`${at}: give password or password_hash, not both`);
    if (u.password_hash !== undefined && !/^\$(argon2id\$|2[aby]\$)/.test(u.password_hash)) {
      problems.push(`${at}.password_hash: must be an argon2id or bcrypt ($2y$/$2b$) hash`);
    }
    u.privileges?.forEach((p, j) => {
      if (!normalizePrivilege(p))
        problems.push(`${at}.privileges[${j}]: unknown privilege "${p}" (use ${PRIVILEGES.join(', ')})`);
    });
    checkGroups(u.groups, `${at}.groups`);
  });
  const appNames = new Set<string>();
  each(c.apps, (a, i) => {
    checkName('app', a.name, `apps[${i}].name`);
    checkGroups(a.publications, `apps[${i}].publications`);
    checkGroups(a.responsibles, `apps[${i}].responsibles`);
    if (appNames.has(a.name)) problems.push(`apps[${i}].name: duplicate app "${a.name}"`);
    appNames.add(a.name);
    if (a.id !== undefined && ids.apps.has(a.id)) problems.push(`apps[${i}].id: duplicate id ${a.id}`);
    if (a.id !== undefined) ids.apps.add(a.id);
  });
  each(c.services, (s, i) => {
    checkName('service', s.name, `services[${i}].name`);
    claim(s.name, `services[${i}]`);
    if (s.app !== undefined && !appNames.has(s.app))
      problems.push(`services[${i}].app: unknown app "${s.app}"`);
  });
  each(c.robots, (r, i) => {
    checkName('robot', r.name, `robots[${i}].name`);
    claim(r.name, `robots[${i}]`);
    if (r.expires !== undefined && r.expires !== null && parseExpiry(r.expires) === undefined) {
      problems.push(`robots[${i}].expires: expected a date (YYYY-MM-DD) or an ISO date-time`);
    }
  });
  problems.push(...validateRules(c.rules));
  const services = new Set<string>();
  each(c.registries, (r, i) => {
    checkName('registry', r.service, `registries[${i}].service`);
    checkGroups(r.publications, `registries[${i}].publications`);
    checkGroups(r.responsibles, `registries[${i}].responsibles`);
    if (services.has(r.service)) problems.push(`registries[${i}].service: duplicate registry "${r.service}"`);
    services.add(r.service);
    try {
      const url = new URL(r.url);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    } catch {
      problems.push(`registries[${i}].url: expected an http:// or https:// URL`);
    }
  });
}

/** forEach over a declared list, skipping the elements left out for schema problems. */
function each<T>(list: readonly (T | undefined)[] | undefined, fn: (item: T, index: number) => void): void {
  list?.forEach((item, index) => {
    if (item !== undefined) fn(item, index);
  });
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
