/**
 * A local ECR speaking the real wire protocol: AWS JSON 1.1 `POST /` with
 * `x-amz-target: AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken`, answered with
 * `authorizationData[{authorizationToken: base64(AWS:password), expiresAt: epoch seconds,
 * proxyEndpoint}]`. It checks that the SigV4 `Authorization` header names an accepted access
 * key id, the expected region and the `ecr` service (it does not recompute the signature), and
 * errs as ECR does (`{"__type": …, "message": …}`). It also plays STS `AssumeRole` (AWS query
 * protocol, XML answer) so an assumed role's session credentials can be checked on ECR calls.
 */
import { randomBytes } from 'node:crypto';
import {
  extendEndpoint,
  type FakeAnswer,
  type FakeEndpoint,
  type FakeRequest,
  form,
  json,
  startFakeEndpoint,
} from './fake-endpoint.ts';

export interface FakeEcrOptions {
  readonly accessKeyId: string;
  readonly region: string;
  /** Token lifetime; ECR's is 12 h. */
  readonly lifetimeSeconds?: number;
  /** The password inside each token; default random. */
  readonly password?: () => string;
  readonly accountId?: string;
  /** The role STS may assume, with the long-lived key above. */
  readonly roleArn?: string;
}

export interface FakeEcr extends FakeEndpoint {
  /** GetAuthorizationToken calls answered with a token. */
  readonly mints: number;
  /** Access key ids of the accepted GetAuthorizationToken calls, in order. */
  readonly callers: readonly string[];
  /** Session credentials the last AssumeRole handed out. */
  readonly assumed: { accessKeyId: string; sessionToken: string } | undefined;
  readonly registryHost: string;
  lifetimeSeconds: number;
}

const TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const CREDENTIAL =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/;

export async function startFakeEcr(options: FakeEcrOptions): Promise<FakeEcr> {
  const account = options.accountId ?? '123456789012';
  const registryHost = `${account}.dkr.ecr.${options.region}.amazonaws.com`;
  const state = {
    mints: 0,
    callers: [] as string[],
    assumed: undefined as { accessKeyId: string; secretAccessKey: string; sessionToken: string } | undefined,
    lifetime: options.lifetimeSeconds ?? 12 * 3600,
  };

  const refuse = (type: string, message: string, status = 400): FakeAnswer =>
    json(status, { __type: type, message }, 'application/x-amz-json-1.1');

  const handle = (request: FakeRequest): FakeAnswer => {
    const match = CREDENTIAL.exec(String(request.headers.authorization ?? ''));
    if (request.method !== 'POST' || request.path !== '/' || !match)
      return refuse('MissingAuthenticationTokenException', 'Missing Authentication Token', 403);
    const [, keyId, , region, service] = match;
    if (region !== options.region)
      return refuse(
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not '${region}'.`,
      );
    if (service === 'sts') return assumeRole(request, keyId!);
    if (service !== 'ecr' || request.headers['x-amz-target'] !== TARGET)
      return refuse('UnknownOperationException', 'unknown operation');
    const session = state.assumed && keyId === state.assumed.accessKeyId;
    if (keyId !== options.accessKeyId && !session)
      return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (session && request.headers['x-amz-security-token'] !== state.assumed!.sessionToken)
      return refuse('UnrecognizedClientException', 'The security token included in the request is invalid.');
    if (options.roleArn && !session)
      return refuse(
        'AccessDeniedException',
        'not authorized to perform: ecr:GetAuthorizationToken (assume the role)',
      );
    const body = JSON.parse(request.body || '{}') as { registryIds?: string[] };
    if (body.registryIds?.some((id) => id !== account))
      return refuse('InvalidParameterException', 'Invalid parameter at registryIds');
    state.mints++;
    state.callers.push(keyId!);
    const password = options.password?.() ?? randomBytes(24).toString('base64url');
    return json(
      200,
      {
        authorizationData: [
          {
            authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
            expiresAt: Date.now() / 1000 + state.lifetime,
            proxyEndpoint: `https://${registryHost}`,
          },
        ],
      },
      'application/x-amz-json-1.1',
    );
  };

  const assumeRole = (request: FakeRequest, keyId: string): FakeAnswer => {
    const params = form(request.body);
    const xmlError = (code: string, message: string): FakeAnswer => ({
      status: 403,
      contentType: 'text/xml',
      body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
    });
    if (params.get('Action') !== 'AssumeRole') return xmlError('InvalidAction', 'unknown action');
    if (keyId !== options.accessKeyId)
      return xmlError('InvalidClientTokenId', 'The security token included in the request is invalid.');
    if (!options.roleArn || params.get('RoleArn') !== options.roleArn)
      return xmlError('AccessDenied', 'User is not authorized to perform: sts:AssumeRole');
    state.assumed = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(20).toString('base64'),
      sessionToken: randomBytes(32).toString('base64'),
    };
    const expiration = new Date(Date.now() + 3600_000).toISOString();
    return {
      status: 200,
      contentType: 'text/xml',
      body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>${state.assumed.accessKeyId}</AccessKeyId><SecretAccessKey>${state.assumed.secretAccessKey}</SecretAccessKey><SessionToken>${state.assumed.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROATEST:${params.get('RoleSessionName')}</AssumedRoleId><Arn>${options.roleArn}</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    };
  };

  const endpoint = await startFakeEndpoint(
    handle,
    json(503, { __type: 'ServerException', message: 'fake ECR is down' }, 'application/x-amz-json-1.1'),
  );
  return extendEndpoint(endpoint, {
    registryHost,
    get mints() {
      return state.mints;
    },
    get callers() {
      return state.callers;
    },
    get assumed() {
      return (
        state.assumed && { accessKeyId: state.assumed.accessKeyId, sessionToken: state.assumed.sessionToken }
      );
    },
    get lifetimeSeconds() {
      return state.lifetime;
    },
    set lifetimeSeconds(value: number) {
      state.lifetime = value;
    },
  });
}
