/**
 * A real OpenID provider in the test process (panva's `oidc-provider`, the library behind many
 * production IdPs) on a loopback port: accounts with a groups claim (served under a `groups`
 * scope, and only from userinfo, as several providers do), one confidential client `purser` that
 * must use PKCE, refresh tokens for offline_access, and the device flow (can be turned off).
 * Logins go through the provider's development interactions; `test/support/oidc-browser.ts`
 * drives them without a browser.
 */
import { createServer, type Server } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';
import { freePort } from './ports.ts';

export const OIDC_CLIENT_ID = 'purser';
export const OIDC_CLIENT_SECRET = 'oidc-Client-Secret-6b0f';

export interface TestAccount {
  readonly sub: string;
  readonly username: string;
  readonly name?: string;
  readonly email?: string;
  groups: string[];
}

export interface TestProvider {
  readonly issuer: string;
  readonly provider: Provider;
  /** Accounts by sub; change `groups` to see it on the next login or refresh. */
  readonly accounts: Map<string, TestAccount>;
  /** Revokes every grant of an account (what disabling a person in the IdP does). */
  revokeGrants(sub: string): Promise<void>;
  close(): Promise<void>;
}

export async function startOidcProvider(
  options: { deviceFlow?: boolean; accounts?: TestAccount[] } = {},
): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map((options.accounts ?? defaultAccounts()).map((a) => [a.sub, a]));
  const grantsBySub = new Map<string, Set<string>>();
  const deviceFlow = options.deviceFlow ?? true;
  const configuration: Configuration = {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        // native: loopback redirect URIs match whatever port the CLI listens on (RFC 8252 §7.3).
        application_type: 'native',
        redirect_uris: [
          'http://127.0.0.1/callback',
          'http://127.0.0.1/sso/callback',
          // The console's "Sign in with …" (a purser serve on a loopback port).
          'http://127.0.0.1/api/v1/session/sso/callback',
        ],
        grant_types: [
          'authorization_code',
          'refresh_token',
          ...(deviceFlow ? ['urn:ietf:params:oauth:grant-type:device_code'] : []),
        ],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['preferred_username', 'name'],
      email: ['email'],
      groups: ['groups'],
    },
    scopes: ['openid', 'offline_access', 'profile', 'email', 'groups'],
    pkce: { required: () => true },
    cookies: { keys: ['purser-test-cookie-key'] },
    features: {
      devInteractions: { enabled: true },
      deviceFlow: { enabled: deviceFlow },
      revocation: { enabled: true },
    },
    async findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return {
            sub,
            preferred_username: account.username,
            ...(account.name ? { name: account.name } : {}),
            ...(account.email ? { email: account.email } : {}),
            groups: [...account.groups],
          };
        },
      };
    },
  };
  const provider = new Provider(issuer, configuration);
  // oidc-provider sends no `interval`, so clients wait the default 5 s between polls (RFC 8628
  // §3.2); Keycloak and others send one. One second keeps the device-flow tests short.
  provider.use(async (ctx, next) => {
    await next();
    if (
      ctx.path === '/device/auth' &&
      ctx.status === 200 &&
      typeof ctx.body === 'object' &&
      ctx.body !== null
    ) {
      ctx.body = { ...(ctx.body as object), interval: 1 };
    }
  });
  provider.on('grant.success', (ctx) => {
    const grantId = ctx.oidc.entities.Grant?.jti;
    const sub = ctx.oidc.entities.Account?.accountId;
    if (grantId && sub) {
      const grants = grantsBySub.get(sub) ?? new Set();
      grants.add(grantId);
      grantsBySub.set(sub, grants);
    }
  });
  const server: Server = createServer(provider.callback());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    issuer,
    provider,
    accounts,
    async revokeGrants(sub) {
      for (const grantId of grantsBySub.get(sub) ?? []) {
        const grant = await provider.Grant.find(grantId);
        await grant?.destroy();
        await revokeByGrant(provider, grantId);
      }
      grantsBySub.delete(sub);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Tokens of a grant (refresh tokens included) are revoked with it, as a disabled account's are. */
async function revokeByGrant(provider: Provider, grantId: string): Promise<void> {
  for (const model of [provider.RefreshToken, provider.AccessToken]) {
    await (model as unknown as { revokeByGrantId(id: string): Promise<void> }).revokeByGrantId(grantId);
  }
}

function defaultAccounts(): TestAccount[] {
  return [
    {
      sub: 'u-1001',
      username: 'dana',
      name: 'Dana Scully',
      email: 'dana@example.org',
      groups: ['registry-devs'],
    },
    { sub: 'u-1002', username: 'erin', groups: [] },
  ];
}
