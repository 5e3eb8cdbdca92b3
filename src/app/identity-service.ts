/**
 * Identity sources at run time: the chain of configured sources (LDAP, RADIUS, OIDC) behind
 * Purser's own accounts, the binding of the people they vouch for to Purser users, and what
 * `purser identity list|check|sync` and `purser user cli-secret` do.
 *
 * - The authenticator asks `authenticate` for a name with no local account, or for a user bound
 *   to a source (that source alone); a local name never reaches a source (the chain's
 *   `isLocalName`), and a source never takes over an account it did not create.
 * - An accepted person becomes, or refreshes, a Purser user bound to the source (ExternalUsers,
 *   external-users.ts: the UserWriter of the user service), with what the mappings give.
 * - Purser groups named by a mapping must exist (`checkMappedGroups` at start,
 *   `mappedGroupProblems` before a reload's sources replace the running ones).
 * - `sync` is identity-sync.ts (LDAP lookups, OIDC refresh tokens, RADIUS has nothing to ask).
 */
import { ConfigInvalid, NotFound } from '../domain/errors.ts';
import type { Principal } from '../domain/model.ts';
import type { ExternalAccounts, ExternalOutcome } from '../identity/external-accounts.ts';
import type { SourceKind } from '../identity/identity-source.ts';
import type { ChainEntry, SourceChain, SourceCheck } from '../identity/source-chain.ts';
import { OidcSource } from '../identity/sources/oidc-source.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import type { ExternalUsers } from './external-users.ts';
import { IdentitySync, type SyncReport } from './identity-sync.ts';

export type { SyncReport };

export interface IdentityServiceDeps {
  readonly authority: Authority;
  readonly chain: SourceChain;
  readonly users: ExternalUsers;
  /** Where each source is in the file (`identity.sources[0]`), for start-up problems. */
  readonly locations: ReadonlyMap<string, string>;
}

export interface SourceView {
  readonly name: string;
  readonly kind: SourceKind;
  readonly up: boolean;
  /** Why the source is down, or empty. */
  readonly reason: string;
  /** Purser users bound to it. */
  readonly users: number;
}

export interface CliSecretStatus {
  readonly user: string;
  readonly source: string;
  readonly exists: boolean;
  /** ISO date-time of the last issue, or null. */
  readonly issuedAt: string | null;
}

export class IdentityService implements ExternalAccounts {
  #locations: ReadonlyMap<string, string>;

  readonly #sync: IdentitySync;

  constructor(private readonly deps: IdentityServiceDeps) {
    this.#locations = deps.locations;
    this.#sync = new IdentitySync(deps);
  }

  async authenticate(name: string, secret: string, boundTo: string | undefined): Promise<ExternalOutcome> {
    const result = await this.deps.chain.authenticate(
      name,
      secret,
      boundTo === undefined ? {} : { only: boundTo },
    );
    switch (result.outcome) {
      case 'accepted': {
        const bound = await this.deps.users.bindExternal({
          identity: result.identity,
          access: result.access,
        });
        return bound === 'refused'
          ? { outcome: 'rejected' }
          : { outcome: 'accepted', name: result.identity.username };
      }
      case 'rejected':
      case 'unknown':
        return { outcome: result.outcome };
      case 'unavailable':
        return { outcome: 'unavailable', sources: result.sources };
    }
  }

  /** Every Purser group a mapping names must exist; ConfigInvalid naming each one otherwise. */
  checkMappedGroups(): void {
    const problems = this.mappedGroupProblems(this.deps.chain.entries, this.#locations);
    if (problems.length > 0) throw new ConfigInvalid(problems);
  }

  /**
   * The `path: message` problems of mappings to Purser groups that do not exist, for `entries`
   * (the running ones, or those of a configuration being reloaded, with the groups it declares
   * and is about to create as `declared`).
   */
  mappedGroupProblems(
    entries: readonly ChainEntry[],
    locations: ReadonlyMap<string, string>,
    declared: readonly string[] = [],
  ): string[] {
    const existing = new Set([...this.deps.authority.snapshot.groups.map((g) => g.name), ...declared]);
    const problems: string[] = [];
    for (const entry of entries) {
      const at = locations.get(entry.source.name) ?? entry.source.name;
      for (const [sourceGroup, targets] of entry.mapping.groups) {
        for (const group of targets) {
          if (!existing.has(group))
            problems.push(
              `${at}.groups.${sourceGroup}: the Purser group "${group}" does not exist (declare it under groups:)`,
            );
        }
      }
    }
    return problems;
  }

  /**
   * Puts the sources of a reloaded configuration in place (already built and checked): the old
   * ones are closed once their calls are over, and cached logins are forgotten, so a source
   * removed from the file stops vouching for anyone at once.
   */
  replaceSources(entries: readonly ChainEntry[], locations: ReadonlyMap<string, string>): void {
    this.deps.chain.replace(entries);
    this.#locations = locations;
    this.deps.authority.authenticator.useSources(entries.length > 0 ? this : undefined);
  }

  list(caller: Caller): SourceView[] {
    requireAdmin(caller);
    const bound = new Map<string, number>();
    for (const record of this.deps.authority.snapshot.credentials.values()) {
      if (record.source !== null) bound.set(record.source, (bound.get(record.source) ?? 0) + 1);
    }
    return this.deps.chain.status().map((s) => ({
      name: s.name,
      kind: s.kind,
      up: s.up,
      reason: s.reason,
      users: bound.get(s.name) ?? 0,
    }));
  }

  async sync(caller: Caller, only?: string): Promise<SyncReport[]> {
    requireAdmin(caller);
    this.#requireSource(only);
    return this.#sync.run(only);
  }

  async check(caller: Caller, only?: string): Promise<SourceCheck[]> {
    requireAdmin(caller);
    this.#requireSource(only);
    return this.deps.chain.check(only === undefined ? {} : { only });
  }

  /** Whether an OIDC user holds a CLI secret, and since when (never the secret). */
  async cliSecretStatus(caller: Caller, name: string): Promise<CliSecretStatus> {
    const source = await this.#oidcSourceOf(caller, name);
    const record = await source.cliSecretRecord(name);
    return {
      user: name,
      source: source.name,
      exists: record !== undefined,
      issuedAt: record ? new Date(record.issuedAt).toISOString() : null,
    };
  }

  /**
   * A new CLI secret for a user bound to an OIDC source (what docker and skopeo send as the
   * password); the previous one stops working. The plaintext is returned once.
   */
  async cliSecret(caller: Caller, name: string): Promise<string> {
    const source = await this.#oidcSourceOf(caller, name);
    const kept = await source.cliSecretRecord(name);
    if (!kept)
      throw new NotFound(`user "${name}" has not logged in through ${source.name} yet (purser login --sso)`);
    // Ending the sessions deletes the old record; the new one keeps its refresh token.
    await this.deps.users.endSessions(name);
    return source.issueCliSecret({
      identity: kept.identity,
      ...(kept.refreshToken ? { refreshToken: kept.refreshToken } : {}),
    });
  }

  /** The user themself or an administrator; the OIDC source the user is bound to. */
  async #oidcSourceOf(caller: Caller, name: string): Promise<OidcSource> {
    const principal: Principal = caller.principal;
    const self = principal.kind === 'user' && principal.user.name === name;
    if (!self) requireAdmin(caller);
    await this.deps.authority.refresh();
    const record = this.deps.authority.credential(name);
    const source = this.deps.chain.sources.find((s) => s.name === record?.source);
    if (source?.unusable) throw new ConfigInvalid(source.unusable);
    if (!record || record.kind !== 'user' || !(source instanceof OidcSource))
      throw new NotFound(`no user named "${name}" bound to an OIDC identity source`);
    return source;
  }

  #requireSource(only: string | undefined): void {
    if (only !== undefined && !this.deps.chain.sources.some((s) => s.name === only))
      throw new NotFound(`no identity source named "${only}"`);
  }
}
