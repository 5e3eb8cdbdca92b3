/**
 * Logging in through an OIDC identity source from the CLI (`purser login --sso`): the server
 * holds the client secret and talks to the provider; the caller only relays. The web console's
 * "Sign in with …" (console-sso-service.ts) shares the binding of the person (`bindLogin`).
 *
 * - `begin` starts the device authorization grant (the person enters a code on any device), or,
 *   with a loopback `redirect_uri` (RFC 8252 §7.3, `http://127.0.0.1:PORT/...`), the
 *   authorization-code flow with PKCE. What the provider must not see leave the server (the
 *   device_code, the PKCE verifier, state and nonce) stays here under a random handle.
 * - `finish` completes it (waits for the device approval, or exchanges the callback), binds the
 *   person to a Purser user (external-users.ts), and issues their CLI secret: what docker,
 *   skopeo and podman send as the password. The secret is returned once; the provider's
 *   refresh token (offline_access) is kept with it, sealed, for `purser identity sync`.
 *
 * Pending logins live in this process for at most AUTHORIZATION_TTL_MS (one replica: the CLI
 * talks to the same server for both calls).
 */
import crypto from 'node:crypto';
import { BadRequest, ConfigInvalid, NotFound, Unauthorized } from '../domain/errors.ts';
import { mapGroups } from '../identity/group-mapping.ts';
import type { ChainEntry, SourceChain } from '../identity/source-chain.ts';
import {
  AUTHORIZATION_TTL_MS,
  type DeviceLogin,
  type OidcLogin,
  type PendingAuthorization,
} from '../identity/sources/oidc-relying-party.ts';
import { OidcSource } from '../identity/sources/oidc-source.ts';
import type { ExternalUsers } from './external-users.ts';

export interface SsoServiceDeps {
  readonly chain: SourceChain;
  readonly users: ExternalUsers;
  readonly now?: () => number;
}

export type SsoStart =
  | {
      readonly flow: 'device';
      readonly handle: string;
      readonly source: string;
      readonly userCode: string;
      readonly verificationUri: string;
      readonly verificationUriComplete: string | null;
      readonly expiresAt: string;
    }
  | { readonly flow: 'loopback'; readonly handle: string; readonly source: string; readonly url: string }
  /** The provider has no device endpoint: call again with a loopback redirect_uri. */
  | { readonly flow: 'redirect-required'; readonly source: string };

export interface SsoResult {
  readonly user: string;
  readonly source: string;
  /** The CLI secret (pcs_...): shown once, never stored in clear. */
  readonly secret: string;
}

type Pending =
  | {
      readonly kind: 'device';
      readonly source: OidcSource;
      readonly login: DeviceLogin;
      readonly expires: number;
    }
  | {
      readonly kind: 'loopback';
      readonly source: OidcSource;
      readonly pending: PendingAuthorization;
      readonly expires: number;
    };

const MAX_PENDING = 1_000;
const LOOPBACK = /^http:\/\/(127\.0\.0\.1|\[::1\]):[0-9]{1,5}\/[A-Za-z0-9/_-]*$/;

export class SsoService {
  readonly #pending = new Map<string, Pending>();
  readonly #now: () => number;

  constructor(private readonly deps: SsoServiceDeps) {
    this.#now = deps.now ?? Date.now;
  }

  async begin(input: { source?: string | undefined; redirectUri?: string | undefined }): Promise<SsoStart> {
    const source = this.#source(input.source);
    this.#sweep();
    if (input.redirectUri !== undefined) {
      if (!LOOPBACK.test(input.redirectUri))
        throw new BadRequest('redirect_uri: expected a loopback URL, http://127.0.0.1:PORT/callback');
      // offline_access (when offered): the refresh token kept with the CLI secret lets
      // `purser identity sync` see the person leave the provider's groups.
      const { url, pending } = await source.relyingParty.beginAuthorization({
        redirectUri: input.redirectUri,
        offline: true,
      });
      const handle = this.#keep({ kind: 'loopback', source, pending, expires: pending.expiresAt });
      return { flow: 'loopback', handle, source: source.name, url: url.href };
    }
    if (!(await source.relyingParty.supportsDeviceFlow()))
      return { flow: 'redirect-required', source: source.name };
    const login = await source.relyingParty.beginDeviceLogin({ offline: true });
    const handle = this.#keep({
      kind: 'device',
      source,
      login,
      expires: Math.min(login.expiresAt, this.#now() + AUTHORIZATION_TTL_MS),
    });
    return {
      flow: 'device',
      handle,
      source: source.name,
      userCode: login.userCode,
      verificationUri: login.verificationUri,
      verificationUriComplete: login.verificationUriComplete ?? null,
      expiresAt: new Date(login.expiresAt).toISOString(),
    };
  }

  async finish(input: { handle: string; callback?: string | undefined }): Promise<SsoResult> {
    const pending = this.#pending.get(input.handle);
    this.#pending.delete(input.handle);
    if (!pending || pending.expires < this.#now())
      throw new Unauthorized('unknown or expired login; start it again (purser login --sso)');
    let login: OidcLogin;
    if (pending.kind === 'device') {
      const wait = AbortSignal.timeout(Math.max(1, pending.expires - this.#now()));
      login = await pending.source.relyingParty.finishDeviceLogin(pending.login, wait);
    } else {
      if (input.callback === undefined) throw new BadRequest('callback: the URL the provider redirected to');
      let callback: URL;
      try {
        callback = new URL(input.callback);
      } catch {
        throw new BadRequest('callback: expected the full URL the provider redirected to');
      }
      login = await pending.source.relyingParty.finishAuthorization(callback, pending.pending, this.#now());
    }
    const bound = await this.bindLogin(pending.source, login, 'no CLI secret was issued');
    // A new secret replaces the old one at once, cached checks and refresh tokens included.
    if (bound !== 'created') await this.deps.users.endSessions(login.identity.username);
    // Issued through the source as configured now (a reload may have rebuilt it meanwhile).
    const source = this.#current(pending.source, 'no CLI secret was issued').source as OidcSource;
    const secret = await source.issueCliSecret(login);
    return { user: login.identity.username, source: source.name, secret };
  }

  /** The OIDC sources people may sign in through, in the order they are configured. */
  oidcSources(): readonly OidcSource[] {
    return this.deps.chain.sources.filter((s): s is OidcSource => s instanceof OidcSource);
  }

  /**
   * Binds a person who just logged in at the provider to their Purser user (created at the first
   * login; groups and privileges from the source's mappings). Unauthorized when the mappings give
   * them nothing (`refusal` says what was not done) or the name belongs to someone else.
   */
  async bindLogin(
    source: OidcSource,
    login: OidcLogin,
    refusal: string,
  ): Promise<'created' | 'updated' | 'unchanged'> {
    const entry = this.#current(source, refusal);
    const access = mapGroups(login.identity.groups, entry.mapping);
    if (access.groups.length === 0 && access.privileges.length === 0) {
      // Left every mapped group at the provider: nothing is issued, and the previous secret ends.
      if (this.deps.users.isBoundTo(login.identity.username, source.name))
        await this.deps.users.endSessions(login.identity.username);
      throw new Unauthorized(
        `${login.identity.username} is in no group that ${source.name} maps to Purser; ${refusal}`,
      );
    }
    const bound = await this.deps.users.bindExternal({ identity: login.identity, access });
    if (bound === 'refused')
      throw new Unauthorized(`"${login.identity.username}" cannot log in through ${source.name}`);
    return bound;
  }

  /** The OIDC source named `name`, or the only one when `name` is undefined. */
  oidcSource(name: string | undefined): OidcSource {
    return this.#source(name);
  }

  #source(name: string | undefined): OidcSource {
    const configured = this.deps.chain.sources.filter((s) => s.kind === 'oidc');
    const chosen = name === undefined && configured.length === 1 ? configured[0] : undefined;
    const unusable = (chosen ?? configured.find((s) => s.name === name))?.unusable;
    if (unusable) throw new ConfigInvalid(unusable);
    const oidc = this.oidcSources();
    const source =
      name === undefined ? (oidc.length === 1 ? oidc[0] : undefined) : oidc.find((s) => s.name === name);
    if (source) return source;
    if (name !== undefined) throw new NotFound(`no OIDC identity source named "${name}"`);
    throw oidc.length === 0
      ? new NotFound('no OIDC identity source is configured (identity.sources in purser.yaml)')
      : new BadRequest(
          `several OIDC sources are configured: name one (${oidc.map((s) => s.name).join(', ')})`,
        );
  }

  /**
   * The chain's entry for `source` as it is now: a reload (SIGHUP) may have rebuilt the source,
   * or removed it, while the person was at the provider.
   */
  #current(source: OidcSource, refusal: string): ChainEntry {
    const entry = this.deps.chain.entries.find((e) => e.source.name === source.name);
    if (!entry || !(entry.source instanceof OidcSource))
      throw new Unauthorized(`the identity source ${source.name} is no longer configured; ${refusal}`);
    return entry;
  }

  #keep(pending: Pending): string {
    if (this.#pending.size >= MAX_PENDING) this.#pending.delete(this.#pending.keys().next().value!);
    const handle = crypto.randomBytes(32).toString('base64url');
    this.#pending.set(handle, pending);
    return handle;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [handle, pending] of this.#pending) if (pending.expires < now) this.#pending.delete(handle);
  }
}
