/**
 * GCR and Artifact Registry access tokens from a service-account JSON key: the OAuth2
 * JWT-bearer grant (RFC 7523) to the key's own `token_uri`, with an RS256 assertion signed by
 * the key. google-auth-library hardcodes https://oauth2.googleapis.com/token and ignores
 * `token_uri`, which breaks keys for other universes and every local test endpoint, so the
 * grant is done here with jose. The registry login is `oauth2accesstoken` + the access token.
 */
import { importPKCS8, SignJWT } from 'jose';
import { BadRequest } from '../domain/errors.ts';
import { type CloudTokenProvider, GCP_ACCESS_TOKEN_USERNAME, type MintedToken } from './cloud-token.ts';
import { requireSecureUrl } from './endpoint-url.ts';
import { expiresInSeconds, type FetchLike, postTokenForm, requireString } from './token-endpoint.ts';

export const GOOGLE_TOKEN_URI = 'https://oauth2.googleapis.com/token';
export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
/** Google accepts assertions valid for at most one hour. */
const ASSERTION_LIFETIME = 3600;

export interface ServiceAccountKey {
  readonly clientEmail: string;
  readonly privateKey: string;
  readonly privateKeyId: string | undefined;
  readonly tokenUri: string;
  readonly projectId: string | undefined;
}

/** Reads a service-account key file's JSON; the message never quotes the key. */
export function parseServiceAccountKey(json: string): ServiceAccountKey {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new BadRequest('the Google service-account key is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new BadRequest('the Google service-account key must be a JSON object');
  const key = parsed as Record<string, unknown>;
  if (key.type !== undefined && key.type !== 'service_account')
    throw new BadRequest(
      `the Google key has type "${String(key.type)}"; a service-account key ("type": "service_account") is needed`,
    );
  const text = (field: string): string | undefined =>
    typeof key[field] === 'string' && key[field] !== '' ? (key[field] as string) : undefined;
  const clientEmail = text('client_email');
  const privateKey = text('private_key');
  if (!clientEmail || !privateKey)
    throw new BadRequest('the Google service-account key needs "client_email" and "private_key"');
  const tokenUri = text('token_uri') ?? GOOGLE_TOKEN_URI;
  requireSecureUrl(tokenUri, "the Google service-account key's token_uri");
  return {
    clientEmail,
    privateKey,
    privateKeyId: text('private_key_id'),
    tokenUri,
    projectId: text('project_id'),
  };
}

export interface GcpTokenProviderOptions {
  /** The service-account key file's content. */
  readonly keyJson: string;
  /** Default: cloud-platform (covers GCR and Artifact Registry). */
  readonly scopes?: readonly string[];
  readonly fetch?: FetchLike;
  /** Epoch milliseconds; injectable for tests. */
  readonly now?: () => number;
}

export class GcpTokenProvider implements CloudTokenProvider {
  readonly kind = 'gcp';
  readonly #key: ServiceAccountKey;
  readonly #scope: string;
  readonly #fetch: FetchLike | undefined;
  readonly #now: () => number;

  constructor(options: GcpTokenProviderOptions) {
    this.#key = parseServiceAccountKey(options.keyJson);
    this.#scope = (options.scopes ?? [CLOUD_PLATFORM_SCOPE]).join(' ');
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
  }

  get clientEmail(): string {
    return this.#key.clientEmail;
  }

  async mint(): Promise<MintedToken> {
    let signingKey: Awaited<ReturnType<typeof importPKCS8>>;
    try {
      signingKey = await importPKCS8(this.#key.privateKey, 'RS256');
    } catch {
      throw new BadRequest('the Google service-account key has a private_key that is not a PKCS#8 RSA key');
    }
    const requestedAt = this.#now() / 1000;
    const issuedAt = Math.floor(requestedAt);
    const assertion = await new SignJWT({ scope: this.#scope })
      .setProtectedHeader({
        alg: 'RS256',
        typ: 'JWT',
        ...(this.#key.privateKeyId ? { kid: this.#key.privateKeyId } : {}),
      })
      .setIssuer(this.#key.clientEmail)
      .setAudience(this.#key.tokenUri)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ASSERTION_LIFETIME)
      .sign(signingKey);
    const what = "Google's token endpoint";
    const body = await postTokenForm(
      this.#key.tokenUri,
      { grant_type: JWT_BEARER, assertion },
      { what, fetch: this.#fetch },
    );
    const accessToken = requireString(body, 'access_token', what);
    return {
      username: GCP_ACCESS_TOKEN_USERNAME,
      password: accessToken,
      expiresAt: requestedAt + expiresInSeconds(body, ASSERTION_LIFETIME),
    };
  }
}
