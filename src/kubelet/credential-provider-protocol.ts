/**
 * The kubelet image credential provider exec protocol (k8s.io/kubelet
 * pkg/apis/credentialprovider/v1): a CredentialProviderRequest on stdin, a
 * CredentialProviderResponse on stdout. v1alpha1 and v1beta1 carry the same fields; the answer
 * repeats the request's apiVersion, since the kubelet refuses any other. Requests are decoded
 * strictly (unknown fields refused), as the kubelet decodes our response.
 */
import { BadRequest } from '../domain/errors.ts';
import { formatGoDuration } from './go-duration.ts';

export const CREDENTIAL_PROVIDER_GROUP = 'credentialprovider.kubelet.k8s.io';
export const CREDENTIAL_PROVIDER_API_VERSIONS = [
  `${CREDENTIAL_PROVIDER_GROUP}/v1`,
  `${CREDENTIAL_PROVIDER_GROUP}/v1beta1`,
  `${CREDENTIAL_PROVIDER_GROUP}/v1alpha1`,
] as const;
export type CredentialProviderApiVersion = (typeof CREDENTIAL_PROVIDER_API_VERSIONS)[number];
export const CACHE_KEY_TYPES = ['Image', 'Registry', 'Global'] as const;
export type CacheKeyType = (typeof CACHE_KEY_TYPES)[number];

export interface CredentialProviderRequest {
  readonly apiVersion: CredentialProviderApiVersion;
  readonly kind: 'CredentialProviderRequest';
  readonly image: string;
  readonly serviceAccountToken?: string;
  readonly serviceAccountAnnotations?: Readonly<Record<string, string>>;
}

export interface AuthConfig {
  readonly username: string;
  readonly password: string;
}

export interface CredentialProviderResponse {
  readonly kind: 'CredentialProviderResponse';
  readonly apiVersion: CredentialProviderApiVersion;
  readonly cacheKeyType: CacheKeyType;
  readonly cacheDuration?: string;
  readonly auth: Readonly<Record<string, AuthConfig>>;
}

const REQUEST_FIELDS = new Set([
  'apiVersion',
  'kind',
  'image',
  'serviceAccountToken',
  'serviceAccountAnnotations',
]);

export function parseCredentialProviderRequest(text: string): CredentialProviderRequest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('the CredentialProviderRequest on stdin is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest('the CredentialProviderRequest must be a JSON object');
  const request = value as Record<string, unknown>;
  const unknown = Object.keys(request).filter((key) => !REQUEST_FIELDS.has(key));
  if (unknown.length > 0)
    throw new BadRequest(`unknown field(s) in CredentialProviderRequest: ${unknown.sort().join(', ')}`);
  const apiVersion = request.apiVersion;
  if (!CREDENTIAL_PROVIDER_API_VERSIONS.includes(apiVersion as CredentialProviderApiVersion))
    throw new BadRequest(
      `unsupported apiVersion ${JSON.stringify(apiVersion)}; expected ${CREDENTIAL_PROVIDER_API_VERSIONS[0]}`,
    );
  if (request.kind !== 'CredentialProviderRequest')
    throw new BadRequest(`kind must be CredentialProviderRequest, got ${JSON.stringify(request.kind)}`);
  if (typeof request.image !== 'string' || request.image === '')
    throw new BadRequest('the CredentialProviderRequest has no image');
  const out: {
    apiVersion: CredentialProviderApiVersion;
    kind: 'CredentialProviderRequest';
    image: string;
    serviceAccountToken?: string;
    serviceAccountAnnotations?: Record<string, string>;
  } = {
    apiVersion: apiVersion as CredentialProviderApiVersion,
    kind: 'CredentialProviderRequest',
    image: request.image,
  };
  if (request.serviceAccountToken !== undefined) {
    if (typeof request.serviceAccountToken !== 'string')
      throw new BadRequest('serviceAccountToken must be a string');
    out.serviceAccountToken = request.serviceAccountToken;
  }
  if (request.serviceAccountAnnotations !== undefined) {
    const annotations = request.serviceAccountAnnotations;
    if (
      typeof annotations !== 'object' ||
      annotations === null ||
      Array.isArray(annotations) ||
      Object.values(annotations).some((v) => typeof v !== 'string')
    )
      throw new BadRequest('serviceAccountAnnotations must map strings to strings');
    out.serviceAccountAnnotations = annotations as Record<string, string>;
  }
  return out;
}

export interface ResponseInput {
  readonly apiVersion: CredentialProviderApiVersion;
  /** The `auth` key: the registry the image names (host[:port]). */
  readonly registry: string;
  readonly credential: AuthConfig | undefined;
  /** Seconds the kubelet may cache the answer; undefined leaves it to defaultCacheDuration. */
  readonly cacheSeconds: number | undefined;
}

/** A Registry-keyed response; no credential gives an empty `auth` (the kubelet pulls without). */
export function buildCredentialProviderResponse(input: ResponseInput): CredentialProviderResponse {
  return {
    kind: 'CredentialProviderResponse',
    apiVersion: input.apiVersion,
    cacheKeyType: 'Registry',
    ...(input.cacheSeconds !== undefined ? { cacheDuration: formatGoDuration(input.cacheSeconds) } : {}),
    auth: input.credential
      ? { [input.registry]: { username: input.credential.username, password: input.credential.password } }
      : {},
  };
}
