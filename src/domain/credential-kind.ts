/**
 * Kinds of registry credential the vault holds: static ones (the stored secret is what a client
 * sends) and the cloud kinds (`ecr`, `gcp`, `acr`: the stored secret is sealed long-lived
 * material and clients receive a token minted from it, see domain/cloud-kind.cts).
 */
export { CLOUD_CREDENTIAL_KINDS, type CloudCredentialKind, isCloudKind } from './cloud-kind.cts';

export const CREDENTIAL_KINDS = ['basic', 'identity-token', 'gcr-json-key'] as const;
export type BuiltinCredentialKind = (typeof CREDENTIAL_KINDS)[number];
/** Builtin kinds, plus the cloud kinds (`ecr`, `gcp`, `acr`). */
export type CredentialKind = BuiltinCredentialKind | (string & {});

export const CREDENTIAL_STATES = ['active', 'deactivated', 'deleted'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];

/** docker/cli and containers/image: a helper returning this user name means "identity token". */
export const IDENTITY_TOKEN_USERNAME = '<token>';
/** Google's fixed user name for a service-account JSON key. */
export const GCR_JSON_KEY_USERNAME = '_json_key';
