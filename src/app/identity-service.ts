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
 * - Purser groups named by a mapping must exist (`checkMappedGroups`, at start).
 * - `sync` asks each source that can look people up (LDAP) about every user bound to it: the
 *   groups are refreshed, a person the directory no longer holds is disabled. An OIDC source is
 *   asked through the refresh token kept with each person's CLI secret: groups are refreshed,
 *   and the CLI secret is revoked (sessions ended) when the person left every mapped group or
 *   the provider refuses the token. RADIUS cannot be asked without the password: its report
 *   says so (`note`).
 */
import { AuthorityError, ConfigInvalid, NotFound } from '../domain/errors.ts';
import type { Principal } from '../domain/model.ts';
import type { ExternalAccounts, ExternalOutcome } from '../identity/external-accounts.ts';
import { type GroupMapping, mapGroups } from '../identity/group-mapping.ts';
import { describeFailure, type SourceKind } from '../identity/identity-source.ts';
import type { SourceChain, SourceCheck } from '../identity/source-chain.ts';
import { OidcSource, type OidcSync } from '../identity/sources/oidc-source.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import type { ExternalUsers } from './external-users.ts';

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

export interface SyncReport {
  readonly source: string;
  readonly updated: string[];
  readonly unchanged: string[];
  readonly disabled: string[];
  /** OIDC users whose CLI secret was revoked (left every mapped group, or the provider refused). */
  readonly revoked: string[];
  /** Users that could not be asked (the source is down, or cannot look people up). */
  readonly skipped: { name: string; reason: string }[];
  /** What the whole source's sync amounts to, when it is not a per-user matter (RADIUS). */
  readonly note?: string;
}

export interface CliSecretStatus {
  readonly user: string;
  readonly source: string;
  readonly exists: boolean;
  /** ISO date-time of the last issue, or null. */
  readonly issuedAt: string | null;
}

export class IdentityService implements ExternalAccounts {
  constructor(private readonly deps: IdentityServiceDeps) {}

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
    const existing = new Set(this.deps.authority.snapshot.groups.map((g) => g.name));
    const problems: string[] = [];
    for (const entry of this.deps.chain.entries) {
      const at = this.deps.locations.get(entry.source.name) ?? entry.source.name;
      for (const [sourceGroup, targets] of entry.mapping.groups) {
        for (const group of targets) {
          if (!existing.has(group))
            problems.push(
              `${at}.groups.${sourceGroup}: the Purser group "${group}" does not exist (declare it under groups:)`,
            );
        }
      }
    }
    if (problems.length > 0) throw new ConfigInvalid(problems);
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

  async check(caller: Caller, only?: string): Promise<SourceCheck[]> {
    requireAdmin(caller);
    this.#requireSource(only);
    return this.deps.chain.check(only === undefined ? {} : { only });
  }

  async sync(caller: Caller, only?: string): Promise<SyncReport[]> {
    requireAdmin(caller);
    this.#requireSource(only);
    const unusable = this.deps.chain.sources
      .filter((s) => only === undefined || s.name === only)
      .flatMap((s) => s.unusable ?? []);
    if (unusable.length > 0) throw new ConfigInvalid(unusable);
    await this.deps.authority.refresh();
    const reports: SyncReport[] = [];
    for (const entry of this.deps.chain.entries) {
      const { source } = entry;
      if (only !== undefined && source.name !== only) continue;
      const names = [...this.deps.authority.snapshot.credentials.values()]
        .filter((r) => r.source === source.name)
        .map((r) => r.name);
      if (source instanceof OidcSource) {
        reports.push(await this.#syncOidc(source, entry.mapping, names));
        continue;
      }
      if (!source.lookup) {
        // RADIUS answers logins only: there is no way to ask about a person without their password.
        const note = `${source.kind} source ${source.name}: groups are refreshed at each login; nothing to sync`;
        reports.push({ ...emptyReport(source.name), note });
        continue;
      }
      const report = emptyReport(source.name);
      reports.push(report);
      for (const name of names) {
        const found = await source.lookup(name);
        if (found.outcome === 'accepted') {
          const outcome = await this.deps.users.bindExternal({
            identity: found.identity,
            access: mapGroups(found.identity.groups, entry.mapping),
          });
          if (outcome === 'refused') report.skipped.push({ name, reason: 'another person of the source' });
          else (outcome === 'unchanged' ? report.unchanged : report.updated).push(name);
        } else if (found.outcome === 'unknown') {
          await this.deps.users.disableBound(name, source.name);
          report.disabled.push(name);
        } else if (found.outcome === 'unavailable') {
          report.skipped.push({ name, reason: found.reason });
        }
      }
    }
    return reports;
  }

  /**
   * Each OIDC user's refresh token redeemed at the provider: fresh claims, the mappings applied
   * again; no mapped group left, or a refused token, revokes the CLI secret and ends sessions.
   */
  async #syncOidc(source: OidcSource, mapping: GroupMapping, names: readonly string[]): Promise<SyncReport> {
    const report = emptyReport(source.name);
    for (const name of names) {
      let result: OidcSync;
      try {
        result = await source.sync(name);
      } catch (error) {
        report.skipped.push({
          name,
          reason: error instanceof AuthorityError && error.expose ? error.message : describeFailure(error),
        });
        continue;
      }
      if (result.outcome === 'none') {
        report.skipped.push({ name, reason: 'holds no CLI secret (nothing to refresh)' });
        continue;
      }
      if (result.outcome === 'no-refresh-token') {
        report.skipped.push({
          name,
          reason: 'the provider gave no refresh token at the last login (offline_access); log in again',
        });
        continue;
      }
      if (result.outcome === 'revoked') {
        await this.deps.users.endSessions(name);
        report.revoked.push(name);
        continue;
      }
      const access = mapGroups(result.login.identity.groups, mapping);
      const outcome = await this.deps.users.bindExternal({ identity: result.login.identity, access });
      if (outcome === 'refused') {
        report.skipped.push({ name, reason: 'another person of the source' });
      } else if (access.groups.length === 0 && access.privileges.length === 0) {
        // Left every mapped group at the provider: the CLI secret ends (and the sessions with it).
        await source.revokeCliSecret(name);
        await this.deps.users.endSessions(name);
        report.revoked.push(name);
      } else {
        (outcome === 'unchanged' ? report.unchanged : report.updated).push(name);
      }
    }
    return report;
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

function emptyReport(source: string): SyncReport {
  return { source, updated: [], unchanged: [], disabled: [], revoked: [], skipped: [] };
}
