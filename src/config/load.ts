/**
 * Loads and validates the configuration once: YAML → WrittenConfig (schema) → Config
 * (normalized, defaults applied, cross-references checked). Every problem is collected as
 * `path: message` and thrown together as ConfigInvalid; the result is deep-frozen.
 */
import fs from 'node:fs';
import path from 'node:path';
import { Value } from '@sinclair/typebox/value';
import YAML from 'yaml';
import { ConfigInvalid } from '../domain/errors.ts';
import {
  type AccessMode,
  isAllDigits,
  PRIVILEGE_ALIASES,
  PRIVILEGES,
  type Privilege,
} from '../domain/model.ts';
import { validateRules } from '../policy/rule.ts';
import { configuredDataDir, defaultDataDir } from './locations.cts';
import { type WrittenConfig, WrittenConfigSchema } from './schema.ts';

export const DEFAULT_LISTEN = '127.0.0.1:5001';
export const DEFAULT_LIFETIME = 300;
export const MIN_LIFETIME = 60;

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

export interface Config {
  readonly file: string | undefined;
  readonly listen: ListenAddress;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  readonly publicUrl: string;
  readonly token: { readonly issuer: string; readonly lifetime: number };
  readonly mode: AccessMode;
  readonly logLevel: string;
  /** The declared objects, validated; applied to the store at start. */
  readonly declared: WrittenConfig;
}

export function loadConfigFile(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Config {
  if (!file) return normalize({}, undefined, env);
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
  const problems = schemaProblems(raw);
  if (problems.length > 0) throw new ConfigInvalid(problems);
  return normalize(raw as WrittenConfig, file, env);
}

function schemaProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(WrittenConfigSchema, raw)) {
    const where = pointerToPath(error.path);
    // Unions report one error per branch; keep the first message per path.
    if (seen.has(where)) continue;
    seen.add(where);
    const message =
      error.message === 'Unexpected property'
        ? 'unknown key'
        : error.message.replace(/^Expected/, 'expected');
    problems.push(`${where}: ${message}`);
  }
  return problems;
}

function pointerToPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (acc, part) => (/^[0-9]+$/.test(part) ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`),
      '',
    );
}

function normalize(written: WrittenConfig, file: string | undefined, env: NodeJS.ProcessEnv): Config {
  const problems: string[] = [];
  const listen = parseListen(written.listen ?? DEFAULT_LISTEN, problems);
  const lifetime = written.token?.lifetime ?? DEFAULT_LIFETIME;
  if (lifetime < MIN_LIFETIME)
    problems.push(`token.lifetime: must be at least ${MIN_LIFETIME} seconds (got ${lifetime})`);
  if (lifetime > 86_400) problems.push(`token.lifetime: must be at most 86400 seconds (got ${lifetime})`);
  const publicUrl = (
    written.public_url ??
    `http://${listen.host.includes(':') ? `[${listen.host}]` : listen.host}:${listen.port}`
  ).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+(\/.*)?$/.test(publicUrl))
    problems.push(`public_url: must be an http:// or https:// URL`);
  if (written.database !== undefined && !/^postgres(ql)?:\/\//.test(written.database)) {
    problems.push('database: must be a postgres:// URL (SQLite in the data directory is the default)');
  }
  checkDeclared(written, problems);
  if (problems.length > 0) throw new ConfigInvalid(problems);
  // A relative `data` is relative to the configuration file, never to the caller's directory.
  const dataDir =
    written.data === undefined
      ? defaultDataDir(env).dataDir
      : configuredDataDir(written.data, file ?? path.join(process.cwd(), 'purser.yaml')).dataDir;
  return deepFreeze({
    file: file === undefined ? undefined : path.resolve(file),
    listen,
    dataDir,
    databaseUrl: written.database,
    publicUrl,
    token: { issuer: written.token?.issuer ?? 'purser', lifetime },
    mode: written.mode ?? 'private',
    logLevel: written.log?.level ?? env.PURSER_LOG_LEVEL ?? 'info',
    declared: written,
  });
}

function parseListen(text: string, problems: string[]): ListenAddress {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|([^:]+)):([0-9]{1,5})$/.exec(text);
  const port = match ? Number(match[3]) : Number.NaN;
  if (!match || port > 65_535) {
    problems.push(`listen: expected HOST:PORT (for example 127.0.0.1:5001), got "${text}"`);
    return { host: '127.0.0.1', port: 5001 };
  }
  return { host: match[1] ?? match[2]!, port };
}

export function normalizePrivilege(name: string): Privilege | undefined {
  if ((PRIVILEGES as readonly string[]).includes(name)) return name as Privilege;
  return PRIVILEGE_ALIASES[name.toLowerCase()];
}

/** Parses a robot expiry (`2027-12-31` = end of that day UTC, or an ISO date-time) into epoch ms. */
export function parseExpiry(text: string): number | undefined {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const ms = Date.parse(dateOnly ? `${text}T23:59:59Z` : text);
  return Number.isNaN(ms) ? undefined : ms;
}

function checkDeclared(c: WrittenConfig, problems: string[]): void {
  const groupNames = new Set<string>();
  const ids = { groups: new Set<number>(), users: new Set<number>(), apps: new Set<number>() };
  c.groups?.forEach((g, i) => {
    if (isAllDigits(g.name)) problems.push(`groups[${i}].name: must not be all digits`);
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
  c.users?.forEach((u, i) => {
    const at = `users[${i}]`;
    if (isAllDigits(u.name)) problems.push(`${at}.name: must not be all digits`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._@-]*$/.test(u.name))
      problems.push(`${at}.name: use letters, digits, '.', '_', '@' and '-'`);
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
    u.groups?.forEach((g, j) => {
      if (isAllDigits(g)) problems.push(`${at}.groups[${j}]: group names must not be all digits`);
    });
  });
  const appNames = new Set<string>();
  c.apps?.forEach((a, i) => {
    if (isAllDigits(a.name)) problems.push(`apps[${i}].name: must not be all digits`);
    if (appNames.has(a.name)) problems.push(`apps[${i}].name: duplicate app "${a.name}"`);
    appNames.add(a.name);
    if (a.id !== undefined && ids.apps.has(a.id)) problems.push(`apps[${i}].id: duplicate id ${a.id}`);
    if (a.id !== undefined) ids.apps.add(a.id);
  });
  c.services?.forEach((s, i) => {
    claim(s.name, `services[${i}]`);
    if (s.app !== undefined && !appNames.has(s.app))
      problems.push(`services[${i}].app: unknown app "${s.app}"`);
  });
  c.robots?.forEach((r, i) => {
    claim(r.name, `robots[${i}]`);
    if (r.expires !== undefined && r.expires !== null && parseExpiry(r.expires) === undefined) {
      problems.push(`robots[${i}].expires: expected a date (YYYY-MM-DD) or an ISO date-time`);
    }
  });
  problems.push(...validateRules(c.rules));
  const services = new Set<string>();
  c.registries?.forEach((r, i) => {
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

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
