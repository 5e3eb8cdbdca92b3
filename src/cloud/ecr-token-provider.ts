/**
 * ECR registry credentials from `GetAuthorizationToken` (@aws-sdk/client-ecr, JSON 1.1): the
 * token is `base64(AWS:password)`, valid 12 hours, `expiresAt` in epoch seconds.
 *
 * AWS credentials come from, in order: a static access key (sealed in the vault), a named
 * profile, or the SDK's default chain (environment, IRSA web identity, ECS/EC2 metadata). An
 * optional role is assumed on top through STS (`fromTemporaryCredentials`, which refreshes the
 * session itself). The endpoint is the given one, else the SDK's own `AWS_ENDPOINT_URL_ECR` /
 * `AWS_ENDPOINT_URL` (likewise `AWS_ENDPOINT_URL_STS` for the role), else AWS's.
 */
import {
  ECRClient,
  type ECRClientConfig,
  GetAuthorizationTokenCommand,
  type GetAuthorizationTokenCommandOutput,
} from '@aws-sdk/client-ecr';
import { fromIni, fromNodeProviderChain, fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { BadRequest, Unavailable } from '../domain/errors.ts';
import { type CloudTokenProvider, ECR_USERNAME, type MintedToken } from './cloud-token.ts';

export type AwsCredentialSource =
  | { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string }
  | { readonly profile: string }
  | { readonly defaultChain: true };

export interface EcrTokenProviderOptions {
  readonly region: string;
  /** Default: the SDK's default provider chain. */
  readonly credentials?: AwsCredentialSource;
  /** `--aws-role-arn`: assumed with the credentials above. */
  readonly roleArn?: string | undefined;
  readonly roleSessionName?: string | undefined;
  /** `--aws-endpoint`; without it the SDK's environment variables apply. */
  readonly endpoint?: string | undefined;
  /** STS endpoint for the role; without it `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL` apply. */
  readonly stsEndpoint?: string | undefined;
  /** Deprecated upstream but accepted: the registries (account ids) to ask for. */
  readonly registryIds?: readonly string[];
  /** SDK attempts per mint (default 2: the cache and the refresher retry on their own). */
  readonly maxAttempts?: number;
}

const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

export class EcrTokenProvider implements CloudTokenProvider {
  readonly kind = 'ecr';
  readonly #client: ECRClient;
  readonly #region: string;
  readonly #registryIds: readonly string[] | undefined;

  constructor(options: EcrTokenProviderOptions) {
    if (!REGION.test(options.region))
      throw new BadRequest(`"${options.region}" is not an AWS region (e.g. us-east-1)`);
    if (options.roleArn !== undefined && !ROLE_ARN.test(options.roleArn))
      throw new BadRequest(`"${options.roleArn}" is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
    if (options.registryIds?.some((id) => !/^\d{12}$/.test(id)))
      throw new BadRequest('ECR registry ids are 12-digit AWS account ids');
    this.#region = options.region;
    this.#registryIds = options.registryIds;
    // The SDK warns on Node < 22 about its releases after January 2027; Purser's lockfile pins
    // the SDK, so the warning would only be noise on the stderr of the helper, the kubelet
    // provider and `vault check`. Set only when nobody chose otherwise.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
    this.#client = new ECRClient({
      region: options.region,
      credentials: credentialProvider(options),
      maxAttempts: options.maxAttempts ?? 2,
      ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
    });
  }

  async mint(): Promise<MintedToken> {
    let answer: GetAuthorizationTokenCommandOutput;
    try {
      answer = await this.#client.send(
        new GetAuthorizationTokenCommand(this.#registryIds ? { registryIds: [...this.#registryIds] } : {}),
      );
    } catch (error) {
      throw new Unavailable(
        `ECR GetAuthorizationToken in ${this.#region} failed: ${describeAwsError(error)}`,
      );
    }
    const data = answer.authorizationData?.[0];
    if (!data?.authorizationToken || !data.expiresAt)
      throw new Unavailable(`ECR GetAuthorizationToken in ${this.#region} answered without a token`);
    const decoded = Buffer.from(data.authorizationToken, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new Unavailable('ECR answered with a token that is not base64(user:password)');
    const username = decoded.slice(0, colon);
    const registry = data.proxyEndpoint ? hostOfEndpoint(data.proxyEndpoint) : undefined;
    return {
      username: username === '' ? ECR_USERNAME : username,
      password: decoded.slice(colon + 1),
      expiresAt: data.expiresAt.getTime() / 1000,
      ...(registry ? { registry } : {}),
    };
  }

  close(): void {
    this.#client.destroy();
  }
}

type EcrCredentials = NonNullable<ECRClientConfig['credentials']>;

function credentialProvider(options: EcrTokenProviderOptions): EcrCredentials {
  const source = options.credentials ?? { defaultChain: true };
  const base: EcrCredentials =
    'accessKeyId' in source
      ? {
          accessKeyId: source.accessKeyId,
          secretAccessKey: source.secretAccessKey,
          ...(source.sessionToken ? { sessionToken: source.sessionToken } : {}),
        }
      : 'profile' in source
        ? fromIni({ profile: source.profile })
        : fromNodeProviderChain();
  if (options.roleArn === undefined) return base;
  return fromTemporaryCredentials({
    masterCredentials: base,
    params: { RoleArn: options.roleArn, RoleSessionName: options.roleSessionName ?? 'purser' },
    clientConfig: {
      region: options.region,
      ...(options.stsEndpoint !== undefined ? { endpoint: options.stsEndpoint } : {}),
    },
  });
}

/** The SDK's error name and message (`UnrecognizedClientException: The security token …`). */
function describeAwsError(error: unknown): string {
  const err = error as {
    name?: string;
    message?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
  };
  if (err.code && /^E[A-Z]+$/.test(err.code)) return `cannot reach the endpoint (${err.code})`;
  const status = err.$metadata?.httpStatusCode;
  const text = `${err.name ?? 'Error'}: ${err.message ?? String(error)}`.slice(0, 300);
  return status ? `HTTP ${status} ${text}` : text;
}

function hostOfEndpoint(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).host;
  } catch {
    return undefined;
  }
}
