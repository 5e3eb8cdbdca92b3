/** The token cache's rules on a hand-moved clock (the fake cloud endpoints test it in real time). */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { SecretBox } from '../crypto/secret-box.ts';
import { Unavailable } from '../domain/errors.ts';
import type { CloudTokenProvider, MintedToken } from './cloud-token.ts';
import { ManualClock, settle } from './manual-clock.test-support.ts';
import { MintedTokenCache, type MintedTokenEvent } from './minted-token-cache.ts';
import { MemoryMintedTokenStore } from './minted-token-store.ts';

/** Mints `token-N` valid `lifetime` seconds; `failing` makes it throw, `gate` makes it wait. */
class ScriptedProvider implements CloudTokenProvider {
  readonly kind = 'test';
  mints = 0;
  failing = false;
  gate: Promise<void> | undefined;
  constructor(
    readonly clock: ManualClock,
    readonly lifetime = 100,
  ) {}
  async mint(): Promise<MintedToken> {
    this.mints += 1;
    const n = this.mints;
    if (this.gate) await this.gate;
    if (this.failing) throw new Unavailable('endpoint down');
    return { username: 'u', password: `token-${n}`, expiresAt: this.clock.now() / 1000 + this.lifetime };
  }
}

function setup(options: { lifetime?: number; staleWaitMs?: number } = {}) {
  const clock = new ManualClock();
  const provider = new ScriptedProvider(clock, options.lifetime);
  const events: MintedTokenEvent[] = [];
  const cache = new MintedTokenCache({
    clock,
    onEvent: (e) => events.push(e),
    ...(options.staleWaitMs !== undefined ? { staleWaitMs: options.staleWaitMs } : {}),
  });
  return { clock, provider, cache, events };
}

describe('MintedTokenCache', () => {
  test('20 concurrent gets share one mint; the token is served from the cache until half-life', async () => {
    const { clock, provider, cache } = setup();
    let open!: () => void;
    provider.gate = new Promise((resolve) => {
      open = resolve;
    });
    const gets = Array.from({ length: 20 }, () => cache.get('ecr:prod', provider));
    await settle();
    open();
    const tokens = await Promise.all(gets);
    assert.equal(provider.mints, 1);
    assert.ok(tokens.every((t) => t.password === 'token-1'));
    await clock.advance(49_000);
    assert.equal((await cache.get('ecr:prod', provider)).password, 'token-1');
    assert.equal(provider.mints, 1);
    cache.close();
  });

  test('a token in use is refreshed in the background at half-life; an unused one on demand', async () => {
    const { clock, provider, cache, events } = setup();
    await cache.get('used', provider);
    await clock.advance(50_000);
    assert.equal(provider.mints, 2, 'refreshed at half-life without a get');
    assert.deepEqual(
      events.filter((e) => e.type === 'minted').map((e) => (e as { background: boolean }).background),
      [false, true],
    );
    // Nobody asked for token-2: no background refresh at its half-life...
    await clock.advance(60_000);
    assert.equal(provider.mints, 2);
    // ...but the next get, past half-life, refreshes on demand.
    assert.equal((await cache.get('used', provider)).password, 'token-3');
    assert.equal(cache.status('used')?.mints, 3);
    cache.close();
  });

  test('a failed refresh serves the still-valid token, records the failure and retries with backoff', async () => {
    const { clock, provider, cache, events } = setup();
    await cache.get('k', provider);
    provider.failing = true;
    await clock.advance(50_000); // background refresh fails
    const status = cache.status('k');
    assert.equal(status?.consecutiveFailures, 1);
    assert.equal(status?.lastFailure?.message, 'endpoint down');
    assert.equal((await cache.get('k', provider)).password, 'token-1', 'the old token, still valid');
    const failed = events.find((e) => e.type === 'mint-failed');
    assert.equal(failed?.type === 'mint-failed' && failed.servingUntil, status?.expiresAt);
    const before = provider.mints;
    await clock.advance(1_000); // first retry after 1 s
    assert.ok(provider.mints > before, 'retried in the background');
    provider.failing = false;
    await clock.advance(4_000);
    assert.equal(cache.status('k')?.consecutiveFailures, 0);
    assert.match((await cache.get('k', provider)).password, /^token-\d+$/);
    assert.notEqual((await cache.get('k', provider)).password, 'token-1');
    cache.close();
  });

  test('an expired token is never served: the get fails while the endpoint is down', async () => {
    const { clock, provider, cache } = setup({ lifetime: 10 });
    await cache.get('k', provider);
    provider.failing = true;
    await clock.advance(9_500); // past expiry minus the 1 s margin
    await assert.rejects(cache.get('k', provider), /endpoint down/);
    provider.failing = false;
    const fresh = await cache.get('k', provider);
    assert.ok(fresh.expiresAt > clock.now() / 1000);
    cache.close();
  });

  test('a due refresh that hangs is waited for briefly, then the valid token is served', async () => {
    const { clock, provider, cache } = setup({ staleWaitMs: 2_000 });
    await cache.get('k', provider);
    provider.gate = new Promise(() => {});
    await clock.advance(50_000); // background refresh starts and hangs
    await clock.advance(10_000);
    const pending = cache.get('k', provider);
    await clock.advance(2_000);
    assert.equal((await pending).password, 'token-1');
    cache.close();
  });

  test('a token minted already expired is refused, not served', async () => {
    const clock = new ManualClock();
    const cache = new MintedTokenCache({ clock });
    const stale: CloudTokenProvider = {
      kind: 'test',
      mint: async () => ({ username: 'u', password: 'p', expiresAt: clock.now() / 1000 - 5 }),
    };
    await assert.rejects(cache.get('k', stale), /already expired/);
    cache.close();
  });

  test('tokens are sealed into the store and read back by a new cache without a mint', async () => {
    const clock = new ManualClock();
    const store = new MemoryMintedTokenStore();
    const sealer = new SecretBox([randomBytes(32)]);
    const provider = new ScriptedProvider(clock);
    const first = new MintedTokenCache({ clock, store, sealer });
    await first.get('acr:prod', provider);
    first.close();
    const sealed = store.values.get('acr:prod') ?? '';
    assert.match(sealed, /^v1\./);
    assert.ok(!sealed.includes('token-1'), 'the store never sees the token');
    // Moved to another key, the value does not open (AAD binds it to its key).
    store.values.set('other', sealed);

    const second = new MintedTokenCache({ clock, store, sealer });
    assert.equal((await second.get('acr:prod', provider)).password, 'token-1');
    assert.equal(provider.mints, 1);
    assert.equal((await second.get('other', provider)).password, 'token-2');
    second.close();
  });
});
