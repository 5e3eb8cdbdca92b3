/**
 * Tokens minted for the vault's cloud credentials (ECR, GCP, ACR): one MintedTokenCache per
 * process (half-life refresh in the background for tokens in use, single flight, the old token
 * served while a refresh fails), its tokens sealed with the master key in `vault_minted_tokens`
 * (migration 007), so the next process (the credential helper runs once per pull) reads the token
 * instead of minting. A lease in the same row makes processes sharing the store mint once: the
 * one that takes the lease mints, the others wait for the token it saves. Mints and failed mints
 * are audited (`credential.mint`), with times and messages only, never a token.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { openCloudMaterial, providerFor } from '../cloud/cloud-credential.ts';
import type { CloudTokenProvider, MintedToken } from '../cloud/cloud-token.ts';
import {
  MintedTokenCache,
  type MintedTokenCacheOptions,
  type MintedTokenEvent,
  type MintedTokenStatus,
} from '../cloud/minted-token-cache.ts';
import {
  type CachedToken,
  type MintedTokenStore,
  openCachedToken,
  type TokenSealer,
} from '../cloud/minted-token-store.ts';
import type { CloudCredentialKind } from '../domain/cloud-kind.cts';
import type { Database } from '../store/schema.ts';
import type { Actor } from './actor.ts';
import type { CredentialRow } from './credential-record.ts';
import type { VaultJournal } from './vault-journal.ts';

/** How long one process may hold the right to mint before others take over (a mint's timeout). */
const LEASE_MS = 30_000;
const POLL_MS = 100;

const MINTER: Actor = { name: 'purser', kind: 'system', userAgent: 'purser token minter' };

/** `vault_minted_tokens`: the sealed token, and the lease of the process minting it. */
export class DbMintedTokenStore implements MintedTokenStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {}

  async load(key: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('vault_minted_tokens')
      .select('sealed')
      .where('key', '=', key)
      .executeTakeFirst();
    return row?.sealed ?? undefined;
  }

  /** Saves the token and ends the lease. */
  async save(key: string, sealed: string): Promise<void> {
    const values = { sealed, lease_owner: null, lease_until: null, updated_at: this.now() };
    await this.db
      .insertInto('vault_minted_tokens')
      .values({ key, ...values })
      .onConflict((oc) => oc.column('key').doUpdateSet(values))
      .execute();
  }

  /** True when `owner` now holds the lease (nobody held it, or it ran out). */
  async claim(key: string, owner: string): Promise<boolean> {
    const now = this.now();
    await this.db
      .insertInto('vault_minted_tokens')
      .values({ key, sealed: null, lease_owner: null, lease_until: null, updated_at: now })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const result = await this.db
      .updateTable('vault_minted_tokens')
      .set({ lease_owner: owner, lease_until: now + LEASE_MS })
      .where('key', '=', key)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async release(key: string, owner: string): Promise<void> {
    await this.db
      .updateTable('vault_minted_tokens')
      .set({ lease_owner: null, lease_until: null })
      .where('key', '=', key)
      .where('lease_owner', '=', owner)
      .execute();
  }
}

/** Drops the minted tokens of a credential (every version of its material): it changed or was deleted. */
export async function forgetMintedTokens(
  db: Kysely<Database>,
  environment: string,
  address: string,
): Promise<void> {
  // Keys are `<environment>/<address>@<version>`; '@' + 1 is 'A', so this is exactly that prefix.
  const prefix = `${environment}/${address}`;
  await db
    .deleteFrom('vault_minted_tokens')
    .where('key', '>=', `${prefix}@`)
    .where('key', '<', `${prefix}A`)
    .execute();
}

/**
 * A provider that mints only while holding the row's lease; without it, it waits for the token
 * the holder saves (and adopts it with its own mint time), or takes over when the lease runs out.
 */
class LeasedProvider implements CloudTokenProvider {
  readonly kind: string;
  readonly #owner = randomUUID();

  constructor(
    private readonly inner: CloudTokenProvider,
    private readonly store: DbMintedTokenStore,
    private readonly sealer: TokenSealer,
    private readonly key: string,
    private readonly now: () => number,
  ) {
    this.kind = inner.kind;
  }

  async mint(): Promise<MintedToken> {
    const known = await this.#load();
    const since = known?.mintedAt ?? 0;
    const deadline = this.now() + LEASE_MS * 2;
    for (;;) {
      if (await this.store.claim(this.key, this.#owner)) {
        try {
          return await this.inner.mint();
        } catch (error) {
          await this.store.release(this.key, this.#owner).catch(() => {});
          throw error;
        }
      }
      // Somebody else is minting: wait for a token newer than the one this process knew.
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      const token = await this.#load();
      if (token && token.mintedAt > since && token.expiresAt * 1000 > this.now() + 1000)
        return {
          username: token.username,
          password: token.password,
          expiresAt: token.expiresAt,
          mintedAt: token.mintedAt,
          ...(token.registry ? { registry: token.registry } : {}),
        };
      if (this.now() > deadline) return this.inner.mint();
    }
  }

  async #load(): Promise<CachedToken | undefined> {
    const sealed = await this.store.load(this.key);
    return sealed === undefined ? undefined : openCachedToken(this.sealer, this.key, sealed);
  }

  close(): void {
    this.inner.close?.();
  }
}

export interface VaultCloudTokensOptions extends Pick<MintedTokenCacheOptions, 'clock' | 'staleWaitMs'> {
  /** Also told every cache event (metrics); never given a token. */
  readonly onEvent?: (event: MintedTokenEvent) => void;
  /** Builds the provider (tests count mints with it); default providerFor. */
  readonly providerFor?: typeof providerFor;
}

export class VaultCloudTokens {
  readonly #cache: MintedTokenCache;
  readonly #store: DbMintedTokenStore;
  readonly #sealer: TokenSealer;
  readonly #providers = new Map<string, { key: string; provider: CloudTokenProvider }>();
  readonly #providerFor: typeof providerFor;
  readonly #now: () => number;
  readonly #pending = new Set<Promise<void>>();

  constructor(
    db: Kysely<Database>,
    sealer: TokenSealer,
    journal: VaultJournal,
    options: VaultCloudTokensOptions = {},
  ) {
    this.#now = options.clock ? () => options.clock!.now() : Date.now;
    this.#store = new DbMintedTokenStore(db, this.#now);
    this.#sealer = sealer;
    this.#providerFor = options.providerFor ?? providerFor;
    this.#cache = new MintedTokenCache({
      store: this.#store,
      sealer,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.staleWaitMs !== undefined ? { staleWaitMs: options.staleWaitMs } : {}),
      onEvent: (event) => {
        options.onEvent?.(event);
        const entry = auditEvent(journal, event).catch(() => {});
        this.#pending.add(entry);
        void entry.finally(() => this.#pending.delete(entry));
      },
    });
  }

  /** A valid token for the credential in `row`, whose opened secret is `secret` (the material). */
  async token(row: CredentialRow, kind: CloudCredentialKind, secret: string): Promise<CachedToken> {
    const credential = `${row.environment}/${row.address}`;
    const key = `${credential}@${row.secret_changed_at ?? row.created_at}`;
    let bound = this.#providers.get(credential);
    if (!bound || bound.key !== key) {
      bound?.provider.close?.();
      const inner = this.#providerFor(row.address, openCloudMaterial(kind, secret));
      bound = { key, provider: new LeasedProvider(inner, this.#store, this.#sealer, key, this.#now) };
      this.#providers.set(credential, bound);
    }
    return this.#cache.get(key, bound.provider);
  }

  /** What `vault check` reports for a credential this process minted for (no secret in it). */
  status(environment: string, address: string): MintedTokenStatus | undefined {
    const bound = this.#providers.get(`${environment}/${address}`);
    return bound ? this.#cache.status(bound.key) : undefined;
  }

  statuses(): MintedTokenStatus[] {
    return this.#cache.statuses();
  }

  /** Stops background refreshes, closes the providers' connections, writes pending audit entries. */
  async close(): Promise<void> {
    this.#cache.close();
    for (const bound of this.#providers.values()) bound.provider.close?.();
    this.#providers.clear();
    await Promise.all([...this.#pending]);
  }
}

async function auditEvent(journal: VaultJournal, event: MintedTokenEvent): Promise<void> {
  const target = `credential:${event.key.replace(/@\d+$/, '')}`;
  if (event.type === 'minted')
    await journal.record(MINTER, 'credential.mint', target, {
      kind: event.kind,
      expiresAt: new Date(event.expiresAt * 1000).toISOString(),
      background: event.background,
    });
  else if (event.type === 'mint-failed')
    await journal.record(
      MINTER,
      'credential.mint',
      target,
      {
        kind: event.kind,
        message: event.message,
        ...(event.servingUntil !== undefined
          ? { servingUntil: new Date(event.servingUntil * 1000).toISOString() }
          : {}),
      },
      'failure',
    );
}
