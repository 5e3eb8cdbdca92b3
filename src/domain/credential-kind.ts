/**
 * Kinds of registry credential the vault holds. Cloud kinds (ECR, GCR access tokens, ACR) are
 * added by the cloud token providers; their rows carry an expiry.
 */
export const CREDENTIAL_KINDS = ['basic', 'identity-token', 'gcr-json-key'] as const;
export type BuiltinCredentialKind = (typeof CREDENTIAL_KINDS)[number];
/** Builtin kinds, plus the cloud kinds a provider registers (`ecr`, `gcr-access-token`, `acr`…). */
export type CredentialKind = BuiltinCredentialKind | (string & {});

export const CREDENTIAL_STATES = ['active', 'deactivated', 'deleted'] as const;
export type CredentialState = (typeof CREDENTIAL_STATES)[number];

/** docker/cli and containers/image: a helper returning this user name means "identity token". */
export const IDENTITY_TOKEN_USERNAME = '<token>';
/** Google's fixed user name for a service-account JSON key. */
export const GCR_JSON_KEY_USERNAME = '_json_key';
