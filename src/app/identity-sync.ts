/**
 * `purser identity sync`: asks each identity source about the users bound to it, without their
 * password.
 *
 * - LDAP (`lookup` with the service account): groups and privileges follow the mappings, a
 *   person the directory no longer holds is disabled.
 * - OIDC: the refresh token kept with each person's CLI secret is redeemed (OidcSource.sync):
 *   the mappings are applied to the fresh groups; the CLI secret is revoked and sessions end
 *   when the person left every mapped group, or the provider refuses the token.
 * - RADIUS answers logins only: its report carries a note saying there is nothing to sync.
 * - A source that does not answer: its people are skipped with the reason; nothing changes.
 */
import { AuthorityError, ConfigInvalid } from '../domain/errors.ts';
import { type GroupMapping, mapGroups } from '../identity/group-mapping.ts';
import { describeFailure } from '../identity/identity-source.ts';
import type { SourceChain } from '../identity/source-chain.ts';
import { OidcSource, type OidcSync } from '../identity/sources/oidc-source.ts';
import type { Authority } from './authority.ts';
import type { ExternalUsers } from './external-users.ts';

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

export interface IdentitySyncDeps {
  readonly authority: Authority;
  readonly chain: SourceChain;
  readonly users: ExternalUsers;
}

export class IdentitySync {
  constructor(private readonly deps: IdentitySyncDeps) {}

  async run(only?: string): Promise<SyncReport[]> {
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
      const access = mapGroups(result.identity.groups, mapping);
      const outcome = await this.deps.users.bindExternal({ identity: result.identity, access });
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
}

function emptyReport(source: string): SyncReport {
  return { source, updated: [], unchanged: [], disabled: [], revoked: [], skipped: [] };
}
