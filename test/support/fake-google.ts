/**
 * A local Google OAuth2 token endpoint for the JWT-bearer grant (RFC 7523) as service accounts
 * use it: `POST` a form with `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` and an RS256
 * `assertion`, verified here with the key's public half (`aud` must be this endpoint's token URI,
 * `iss` the service account, `scope` the expected one), answered with `{access_token,
 * expires_in, token_type}` or Google's `{error, error_description}`.
 */
import { generateKeyPairSync, type KeyObject, randomBytes } from 'node:crypto';
import { jwtVerify } from 'jose';
import {
  extendEndpoint,
  type FakeAnswer,
  type FakeEndpoint,
  type FakeRequest,
  form,
  json,
  startFakeEndpoint,
} from './fake-endpoint.ts';

export interface ServiceAccountFixture {
  /** The key file's JSON, with `token_uri` pointing at the fake. */
  readonly json: string;
  readonly clientEmail: string;
  readonly publicKey: KeyObject;
}

export interface FakeGoogleOptions {
  readonly scope?: string;
  readonly lifetimeSeconds?: number;
  /** The access token to hand out; default random. */
  readonly token?: () => string;
}

export interface FakeGoogle extends FakeEndpoint {
  readonly tokenUri: string;
  /** A fresh service account this endpoint trusts. */
  readonly serviceAccount: ServiceAccountFixture;
  readonly mints: number;
  lifetimeSeconds: number;
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export async function startFakeGoogle(options: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const scope = options.scope ?? 'https://www.googleapis.com/auth/cloud-platform';
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const clientEmail = 'puller@purser-test.iam.gserviceaccount.com';
  const state = { mints: 0, lifetime: options.lifetimeSeconds ?? 3600, tokenUri: '' };
  const refuse = (description: string): FakeAnswer =>
    json(400, { error: 'invalid_grant', error_description: description });

  const handle = async (request: FakeRequest): Promise<FakeAnswer> => {
    if (request.method !== 'POST' || request.path !== '/token') return json(404, { error: 'not_found' });
    const params = form(request.body);
    if (params.get('grant_type') !== JWT_BEARER) return json(400, { error: 'unsupported_grant_type' });
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(params.get('assertion') ?? '', publicKey, {
        algorithms: ['RS256'],
        audience: state.tokenUri,
        issuer: clientEmail,
        maxTokenAge: 3600,
      }));
    } catch (error) {
      return refuse(`Invalid JWT: ${(error as Error).message}`);
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
    if (!scopes.includes(scope)) return refuse('Invalid OAuth scope or ID token audience provided.');
    state.mints++;
    return json(200, {
      access_token: options.token?.() ?? `ya29.${randomBytes(24).toString('base64url')}`,
      expires_in: state.lifetime,
      token_type: 'Bearer',
    });
  };

  const endpoint = await startFakeEndpoint(handle);
  state.tokenUri = `${endpoint.url}/token`;
  const keyJson = JSON.stringify({
    type: 'service_account',
    project_id: 'purser-test',
    private_key_id: randomBytes(20).toString('hex'),
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    client_email: clientEmail,
    client_id: '100000000000000000001',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: state.tokenUri,
  });
  return extendEndpoint(endpoint, {
    tokenUri: state.tokenUri,
    serviceAccount: { json: keyJson, clientEmail, publicKey },
    get mints() {
      return state.mints;
    },
    get lifetimeSeconds() {
      return state.lifetime;
    },
    set lifetimeSeconds(value: number) {
      state.lifetime = value;
    },
  });
}
