/**
 * `identity.sources` of purser.yaml: validation against the schema of each kind
 * (source-schema.ts) and the checks a schema cannot state (one of a secret and its `_file`,
 * filters that parse, an address with a port…).
 *
 * parseIdentitySources returns the entries normalized (camelCase, defaults applied, secrets as
 * a file to read or an inline value), every problem as `path: message`, and warnings with stable
 * codes for settings that work but are unsafe. Secret values never appear in a problem.
 *
 * Over 300 lines on purpose: the three kinds' checks share the secret and address rules and
 * read best side by side; splitting per kind would copy them.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { FilterParser } from 'ldapts';
import { compileGroupMapping, type WrittenGroupMapping } from '../group-mapping.ts';
import type { SourceKind } from '../identity-source.ts';
import { isKnownAttribute } from './radius-packet.ts';
import {
  LdapSourceSchema,
  OidcSourceSchema,
  RadiusSourceSchema,
  type WrittenLdapSource,
  type WrittenOidcSource,
  type WrittenRadiusSource,
} from './source-schema.ts';

/** A secret given in a file (read at start) or, less safely, inline. */
export type SecretSetting = { readonly file: string } | { readonly value: string };

interface CommonConfig {
  readonly name: string;
  /** Where the entry is, e.g. `identity.sources[0]`, for messages. */
  readonly at: string;
  readonly timeoutMs: number;
  readonly mapping: WrittenGroupMapping;
}

export interface LdapSourceConfig extends CommonConfig {
  readonly kind: 'ldap';
  readonly url: string;
  readonly startTls: boolean;
  readonly bindDn: string | undefined;
  readonly bindPassword: SecretSetting | undefined;
  readonly userBase: string;
  readonly userFilter: string;
  readonly groupBase: string | undefined;
  readonly groupFilter: string;
  readonly groupNameAttribute: string;
  readonly caFile: string | undefined;
  readonly insecureSkipVerify: boolean;
}

export interface RadiusSourceConfig extends CommonConfig {
  readonly kind: 'radius';
  readonly host: string;
  readonly port: number;
  readonly secret: SecretSetting;
  readonly groupsAttribute: string | undefined;
}

export interface OidcSourceConfig extends CommonConfig {
  readonly kind: 'oidc';
  /** What the console's "Sign in with …" button names (the source name when not set). */
  readonly displayName: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: SecretSetting | undefined;
  readonly usernameClaim: string;
  readonly groupsClaim: string;
}

export type SourceConfig = LdapSourceConfig | RadiusSourceConfig | OidcSourceConfig;

export type SourceWarningCode =
  | 'IDENTITY_LDAP_CLEARTEXT'
  | 'IDENTITY_TLS_UNVERIFIED'
  | 'IDENTITY_INLINE_SECRET';

export interface SourceWarning {
  readonly code: SourceWarningCode;
  readonly message: string;
}

export interface ParsedSources {
  readonly sources: SourceConfig[];
  readonly problems: string[];
  readonly warnings: SourceWarning[];
}

const SCHEMAS: Readonly<Record<SourceKind, TSchema>> = {
  ldap: LdapSourceSchema,
  radius: RadiusSourceSchema,
  oidc: OidcSourceSchema,
};

export function parseIdentitySources(raw: unknown, at = 'identity.sources'): ParsedSources {
  const result: ParsedSources = { sources: [], problems: [], warnings: [] };
  if (raw === undefined) return result;
  if (!Array.isArray(raw)) {
    result.problems.push(`${at}: expected a list of sources`);
    return result;
  }
  const names = new Map<string, string>();
  raw.forEach((entry: unknown, index) => {
    const where = `${at}[${index}]`;
    const kind = (entry as { kind?: unknown } | null)?.kind;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      result.problems.push(`${where}: expected a mapping`);
      return;
    }
    if (typeof kind !== 'string' || !Object.hasOwn(SCHEMAS, kind)) {
      result.problems.push(`${where}.kind: must be ldap, radius or oidc`);
      return;
    }
    const schema = SCHEMAS[kind as SourceKind];
    const written = Value.Default(schema, Value.Clone(entry)) as Record<string, unknown>;
    const schemaProblems = [...Value.Errors(schema, written)].map(
      (e) =>
        `${where}${pathOf(e.path)}: ${e.message === 'Unexpected property' ? 'unknown key' : e.message.replace(/^Expected/, 'expected')}`,
    );
    if (schemaProblems.length > 0) {
      result.problems.push(...new Set(schemaProblems));
      return;
    }
    const name = written.name as string;
    const previous = names.get(name);
    if (previous) result.problems.push(`${where}.name: "${name}" is already the name of ${previous}`);
    names.set(name, where);
    const problems: string[] = [];
    const config =
      kind === 'ldap'
        ? ldapConfig(written as WrittenLdapSource, where, problems, result.warnings)
        : kind === 'radius'
          ? radiusConfig(written as WrittenRadiusSource, where, problems, result.warnings)
          : oidcConfig(written as WrittenOidcSource, where, problems, result.warnings);
    problems.push(
      ...compileGroupMapping(config.mapping, { ignoreCase: kind === 'ldap', at: where }).problems,
    );
    result.problems.push(...problems);
    if (problems.length === 0) result.sources.push(config);
  });
  return result;
}

function ldapConfig(
  w: WrittenLdapSource,
  at: string,
  problems: string[],
  warnings: SourceWarning[],
): LdapSourceConfig {
  const url = parseUrl(w.url) ?? new URL('ldap://invalid');
  if (url.hostname === 'invalid' || url.hostname === '')
    problems.push(`${at}.url: expected ldap://HOST:PORT or ldaps://HOST:PORT`);
  const secure = url.protocol === 'ldaps:';
  const startTls = w.start_tls ?? false;
  if (url.pathname !== '' && url.pathname !== '/')
    problems.push(`${at}.url: proto://host:port only (base DNs go in user_base)`);
  if (secure && startTls)
    problems.push(`${at}.start_tls: ldaps:// is TLS already; use ldap:// with start_tls`);
  if (w.tls && !secure && !startTls) problems.push(`${at}.tls: applies to ldaps:// or start_tls: true`);
  const userFilter = w.user_filter ?? '(uid={username})';
  const groupFilter = w.group_filter ?? '(member={dn})';
  checkFilter(userFilter, ['username'], `${at}.user_filter`, problems);
  checkFilter(groupFilter, ['dn', 'username'], `${at}.group_filter`, problems);
  const bindPassword = secretSetting(
    w.bind_password_file,
    w.bind_password,
    `${at}.bind_password`,
    problems,
    warnings,
  );
  if (w.bind_dn !== undefined && bindPassword === undefined)
    problems.push(`${at}: bind_dn needs bind_password_file (or bind_password)`);
  if (w.bind_dn === undefined && bindPassword !== undefined)
    problems.push(`${at}: bind_password needs bind_dn`);
  if (!secure && !startTls && !isLoopbackHost(url.hostname)) {
    warnings.push({
      code: 'IDENTITY_LDAP_CLEARTEXT',
      message: `${at}: passwords travel in clear text to ${url.host}; use ldaps:// or start_tls: true`,
    });
  }
  const insecureSkipVerify = w.tls?.insecure_skip_verify ?? false;
  if (insecureSkipVerify) {
    warnings.push({
      code: 'IDENTITY_TLS_UNVERIFIED',
      message: `${at}.tls.insecure_skip_verify: the directory's certificate is not checked`,
    });
  }
  return {
    kind: 'ldap',
    name: w.name,
    at,
    timeoutMs: seconds(w.timeout),
    mapping: mappingOf(w),
    url: w.url.replace(/\/+$/, ''),
    startTls,
    bindDn: w.bind_dn,
    bindPassword,
    userBase: w.user_base,
    userFilter,
    groupBase: w.group_base,
    groupFilter,
    groupNameAttribute: w.group_name_attribute ?? 'cn',
    caFile: w.tls?.ca_file,
    insecureSkipVerify,
  };
}

function radiusConfig(
  w: WrittenRadiusSource,
  at: string,
  problems: string[],
  warnings: SourceWarning[],
): RadiusSourceConfig {
  const address = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]]+))(?::([0-9]{1,5}))?$/.exec(w.address);
  const port = Number(address?.[3] ?? 1812);
  if (!address || port < 1 || port > 65_535)
    problems.push(`${at}.address: expected HOST:PORT, e.g. radius.example.org:1812`);
  const secret = secretSetting(w.secret_file, w.secret, `${at}.secret`, problems, warnings);
  if (secret === undefined) problems.push(`${at}: give secret_file (or secret): the shared secret`);
  if (w.groups_attribute !== undefined && !isKnownAttribute(w.groups_attribute)) {
    problems.push(
      `${at}.groups_attribute: "${w.groups_attribute}" is not an RFC RADIUS attribute (e.g. Filter-Id, Class)`,
    );
  }
  if (w.groups_attribute === undefined && (w.groups !== undefined || w.privileges !== undefined)) {
    problems.push(
      `${at}: groups and privileges need groups_attribute, the reply attribute that names groups`,
    );
  }
  return {
    kind: 'radius',
    name: w.name,
    at,
    timeoutMs: seconds(w.timeout),
    mapping: mappingOf(w),
    host: address?.[1] ?? address?.[2] ?? '',
    port,
    secret: secret ?? { value: '' },
    groupsAttribute: w.groups_attribute,
  };
}

function oidcConfig(
  w: WrittenOidcSource,
  at: string,
  problems: string[],
  warnings: SourceWarning[],
): OidcSourceConfig {
  const issuer = parseUrl(w.issuer);
  if (
    !issuer ||
    !(issuer.protocol === 'https:' || (issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname)))
  ) {
    problems.push(`${at}.issuer: an https:// URL (plain http only on a loopback address)`);
  }
  return {
    kind: 'oidc',
    name: w.name,
    displayName: w.display_name ?? w.name,
    at,
    timeoutMs: seconds(w.timeout),
    mapping: mappingOf(w),
    issuer: w.issuer.replace(/\/+$/, ''),
    clientId: w.client_id,
    clientSecret: secretSetting(
      w.client_secret_file,
      w.client_secret,
      `${at}.client_secret`,
      problems,
      warnings,
    ),
    usernameClaim: w.username_claim ?? 'preferred_username',
    groupsClaim: w.groups_claim ?? 'groups',
  };
}

function secretSetting(
  file: string | undefined,
  value: string | undefined,
  at: string,
  problems: string[],
  warnings: SourceWarning[],
): SecretSetting | undefined {
  if (file !== undefined && value !== undefined) {
    problems.push(`${at}: give ${lastKey(at)}_file or ${lastKey(at)}, not both`);
    return undefined;
  }
  if (file !== undefined) return { file };
  if (value === undefined) return undefined;
  warnings.push({
    code: 'IDENTITY_INLINE_SECRET',
    message: `${at}: the secret is written in the configuration file; ${lastKey(at)}_file keeps it out`,
  });
  return { value };
}

function checkFilter(filter: string, placeholders: string[], at: string, problems: string[]): void {
  const used = placeholders.filter((p) => filter.includes(`{${p}}`));
  if (used.length === 0) {
    problems.push(`${at}: must contain ${placeholders.map((p) => `{${p}}`).join(' or ')}`);
    return;
  }
  const sample = filter.replace(/\{(username|dn)\}/g, 'x');
  try {
    FilterParser.parseString(sample);
  } catch (error) {
    problems.push(`${at}: not an LDAP filter (${error instanceof Error ? error.message : 'unparsable'})`);
  }
}

function mappingOf(w: {
  groups?: WrittenGroupMapping['groups'];
  privileges?: WrittenGroupMapping['privileges'];
}) {
  return { ...(w.groups ? { groups: w.groups } : {}), ...(w.privileges ? { privileges: w.privileges } : {}) };
}

/** URL.parse, which Node 20 has only from 20.18. */
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function seconds(timeout: number | undefined): number {
  return Math.round((timeout ?? 5) * 1000);
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
}

function lastKey(at: string): string {
  return at.slice(at.lastIndexOf('.') + 1);
}

/** `/tls/ca_file` → `.tls.ca_file`; `/groups/a b` → `.groups.a b`. */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^[0-9]+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');
}
