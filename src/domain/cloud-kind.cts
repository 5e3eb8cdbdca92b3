/**
 * The vault's cloud credential kinds: the stored secret is the long-lived material (sealed JSON),
 * and what a consumer receives is a short-lived token minted from it. CommonJS and free of
 * imports: the credential helper's fast path checks a row's kind with it on every pull.
 */
export const CLOUD_CREDENTIAL_KINDS = ['ecr', 'gcp', 'acr'] as const;
export type CloudCredentialKind = (typeof CLOUD_CREDENTIAL_KINDS)[number];

export function isCloudKind(kind: string | null | undefined): kind is CloudCredentialKind {
  return kind === 'ecr' || kind === 'gcp' || kind === 'acr';
}
