/**
 * The contract every cloud registry token provider (ECR, GCR/Artifact Registry, ACR) fulfils:
 * `mint()` asks the cloud for a fresh short-lived registry credential. Providers do no caching
 * of their own; MintedTokenCache decides when to mint.
 */

/** A registry credential minted by a cloud. `expiresAt` is in epoch seconds. */
export interface MintedToken {
  readonly username: string;
  readonly password: string;
  /** Epoch seconds (may be fractional, as ECR's `expiresAt`). */
  readonly expiresAt: number;
  /** The registry host the credential is for, when the cloud says (ECR's proxyEndpoint). */
  readonly registry?: string;
  /** Epoch seconds; set when another process minted the token and this one adopts it. */
  readonly mintedAt?: number;
}

export interface CloudTokenProvider {
  /** `ecr`, `gcp` or `acr`: for reports and metrics labels, never a secret. */
  readonly kind: string;
  mint(): Promise<MintedToken>;
  /** Releases connections (the AWS SDK keeps sockets open). */
  close?(): void;
}

/** Google's fixed user name for an OAuth2 access token (GCR, Artifact Registry). */
export const GCP_ACCESS_TOKEN_USERNAME = 'oauth2accesstoken';
/** ACR: the null GUID tells the registry that the password is an ACR refresh token. */
export const ACR_REFRESH_TOKEN_USERNAME = '00000000-0000-0000-0000-000000000000';
/** ECR's fixed user name inside `base64(AWS:password)`. */
export const ECR_USERNAME = 'AWS';
