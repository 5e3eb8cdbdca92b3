/**
 * What a CNCF Distribution registry needs to trust Purser, in the three forms
 * `purser registry config SERVICE --format distribution|bundle|jwks` prints:
 * - `distribution`: a config.yml fragment with `auth.token` (realm, service, issuer,
 *   rootcertbundle), `storage.delete.enabled` and, when given, the `notifications` block;
 * - `bundle`: the PEM of every published certificate (the file `rootcertbundle` names);
 * - `jwks`: the JWKS of every published key (Distribution 3's `auth.token.jwks`).
 */
import { stringify } from 'yaml';
import { jwks, type KeyRing, rootBundle } from '../token/key-store.ts';

export const DEFAULT_ROOT_CERT_BUNDLE = '/etc/docker/registry/purser-bundle.pem';

export const CONFIG_FORMATS = ['distribution', 'bundle', 'jwks', 'nginx'] as const;
export type ConfigFormat = (typeof CONFIG_FORMATS)[number];

export interface DistributionConfigInput {
  /** Purser's public base URL; the realm is `<publicUrl>/token`. */
  readonly publicUrl: string;
  /** The registry's token service (REGISTRY_AUTH_TOKEN_SERVICE). */
  readonly service: string;
  /** Token issuer (REGISTRY_AUTH_TOKEN_ISSUER). */
  readonly issuer: string;
  /** Where the registry finds the bundle file. */
  readonly rootCertBundle?: string;
  /** A Distribution `notifications` block (rendered as given). */
  readonly notifications?: Readonly<Record<string, unknown>>;
}

export function tokenRealm(publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/token`;
}

/** The Distribution config.yml fragment, as YAML text with a short explanatory header. */
export function renderDistributionConfig(input: DistributionConfigInput): string {
  const bundle = input.rootCertBundle ?? DEFAULT_ROOT_CERT_BUNDLE;
  const fragment: Record<string, unknown> = {
    auth: {
      token: {
        realm: tokenRealm(input.publicUrl),
        service: input.service,
        issuer: input.issuer,
        rootcertbundle: bundle,
      },
    },
    storage: { delete: { enabled: true } },
    ...(input.notifications ? { notifications: input.notifications } : {}),
  };
  const header = [
    `# Purser token authentication for registry "${input.service}".`,
    '# Merge into the registry config.yml (Distribution 2.8 or 3.x). Put the certificate bundle',
    `# (purser registry config ${input.service} --format bundle) at ${bundle}.`,
    '# Distribution 3 may instead use auth.token.jwks with the output of --format jwks.',
    '',
  ].join('\n');
  return header + stringify(fragment, { lineWidth: 0 });
}

/** The root certificate bundle: one PEM certificate per published key (signer first). */
export function renderBundle(ring: KeyRing): string {
  return rootBundle(ring);
}

/** The JWKS file for Distribution 3 (`auth.token.jwks`). */
export function renderJwks(ring: KeyRing): string {
  return `${JSON.stringify(jwks(ring), null, 2)}\n`;
}
