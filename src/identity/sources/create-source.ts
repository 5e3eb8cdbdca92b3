/**
 * From validated `identity.sources` entries to source instances, in the configured order, ready
 * for a SourceChain. Secret and CA files are read here, once: every unreadable or empty file is
 * reported (by path and errno, never by content) and thrown together as ConfigInvalid, unless
 * `keepUnusable` is set (the CLI's local mode): then a source with problems becomes an
 * UnusableSource that states them whenever it is used, and every other command still runs.
 */
import fs from 'node:fs';
import { ConfigInvalid } from '../../domain/errors.ts';
import type { CliSecretStore } from '../cli-secret.ts';
import { compileGroupMapping } from '../group-mapping.ts';
import type { IdentitySource } from '../identity-source.ts';
import type { ChainEntry } from '../source-chain.ts';
import { LdapSource } from './ldap-source.ts';
import { OidcRelyingParty } from './oidc-relying-party.ts';
import { OidcSource } from './oidc-source.ts';
import { RadiusSource } from './radius-source.ts';
import type { SecretSetting, SourceConfig } from './source-config.ts';
import { UnusableSource } from './unusable-source.ts';

export interface SourceContext {
  /** Where OIDC people's CLI secrets are kept (phase 2: the store). */
  readonly cliSecrets: CliSecretStore;
  /** Reads a secret or CA file; fs.readFileSync by default (tests pass their own). */
  readonly readFile?: (path: string) => string;
  /** Keep a source that cannot be built as an UnusableSource instead of refusing them all. */
  readonly keepUnusable?: boolean;
}

export function createSources(configs: readonly SourceConfig[], context: SourceContext): ChainEntry[] {
  const all: string[] = [];
  let problems: string[] = [];
  const read = context.readFile ?? ((path: string) => fs.readFileSync(path, 'utf8'));
  const file = (path: string, at: string, what: string): string | undefined => {
    let text: string;
    try {
      text = read(path);
    } catch (error) {
      problems.push(
        `${at}: cannot read ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
      return undefined;
    }
    // A file written by `echo` ends with a newline that is not part of the secret.
    const value = text.replace(/\r?\n$/, '');
    if (value === '') problems.push(`${at}: ${path} is empty`);
    return value;
  };
  const secret = (setting: SecretSetting | undefined, at: string): string | undefined => {
    if (setting === undefined) return undefined;
    return 'value' in setting ? setting.value : file(setting.file, `${at}_file`, 'the secret file');
  };

  const entries = configs.map((config): ChainEntry => {
    problems = [];
    const { mapping, problems: mappingProblems } = compileGroupMapping(config.mapping, {
      ignoreCase: config.kind === 'ldap',
      at: config.at,
    });
    problems.push(...mappingProblems);
    let source: IdentitySource;
    switch (config.kind) {
      case 'ldap': {
        let caCertificate: string | undefined;
        if (config.caFile !== undefined) {
          caCertificate = file(config.caFile, `${config.at}.tls.ca_file`, 'the CA file');
          if (caCertificate && !caCertificate.includes('-----BEGIN CERTIFICATE-----')) {
            problems.push(`${config.at}.tls.ca_file: ${config.caFile} holds no PEM certificate`);
          }
        }
        const bindPassword = secret(config.bindPassword, `${config.at}.bind_password`);
        source = new LdapSource({
          name: config.name,
          url: config.url,
          startTls: config.startTls,
          insecureSkipVerify: config.insecureSkipVerify,
          userBase: config.userBase,
          userFilter: config.userFilter,
          groupFilter: config.groupFilter,
          groupNameAttribute: config.groupNameAttribute,
          timeoutMs: config.timeoutMs,
          ...(caCertificate ? { caCertificate } : {}),
          ...(config.bindDn !== undefined && bindPassword !== undefined
            ? { bindDn: config.bindDn, bindPassword }
            : {}),
          ...(config.groupBase !== undefined ? { groupBase: config.groupBase } : {}),
        });
        break;
      }
      case 'radius':
        source = new RadiusSource({
          name: config.name,
          host: config.host,
          port: config.port,
          secret: secret(config.secret, `${config.at}.secret`) ?? '',
          timeoutMs: config.timeoutMs,
          ...(config.groupsAttribute ? { groupsAttribute: config.groupsAttribute } : {}),
        });
        break;
      case 'oidc': {
        const clientSecret = secret(config.clientSecret, `${config.at}.client_secret`);
        source = new OidcSource({
          name: config.name,
          displayName: config.displayName,
          timeoutMs: config.timeoutMs,
          cliSecrets: context.cliSecrets,
          relyingParty: new OidcRelyingParty({
            issuer: config.issuer,
            clientId: config.clientId,
            timeoutMs: config.timeoutMs,
            mapping: {
              source: config.name,
              usernameClaim: config.usernameClaim,
              groupsClaim: config.groupsClaim,
            },
            ...(clientSecret !== undefined ? { clientSecret } : {}),
          }),
        });
        break;
      }
    }
    all.push(...problems);
    if (problems.length > 0 && context.keepUnusable) {
      // Nothing is connected yet (sources connect on first use), so nothing needs closing.
      source = new UnusableSource({
        name: config.name,
        kind: config.kind,
        timeoutMs: config.timeoutMs,
        problems,
      });
    }
    return { source, mapping };
  });
  if (all.length > 0 && !context.keepUnusable) {
    // Nothing is connected yet (sources connect on first use), so nothing needs closing.
    throw new ConfigInvalid(all);
  }
  return entries;
}
