/**
 * Signing keys live in the store (private keys sealed by the master key) so that several
 * replicas on one PostgreSQL sign with the same key, and are mirrored as files in
 * `<data>/keys/` (0600): the certificate in clear, the private key sealed like the vault's
 * secrets (`<kid>.key.sealed`), so reading the directory does not let anyone mint a token.
 * Plaintext `<kid>.key.pem` files written by earlier versions are sealed and removed when the
 * ring is first loaded. The signer is the newest `active` key; `published` keys stay in the
 * JWKS and the root bundle so tokens they signed keep verifying.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import type { Database } from '../store/schema.ts';
import { SIGNING_ALG, SigningKey } from './signing-key.ts';

export type KeyState = 'active' | 'published' | 'retired';

export interface StoredKey {
  readonly key: SigningKey;
  readonly state: KeyState;
  readonly createdAt: number;
}

export interface KeyRing {
  /** The key that signs new tokens. */
  readonly signer: SigningKey;
  /** Every key registries should trust (signer first). */
  readonly published: readonly SigningKey[];
  readonly all: readonly StoredKey[];
}

const aad = (kid: string) => `signing-key:${kid}`;
const PLAINTEXT_SUFFIX = '.key.pem';
export const SEALED_KEY_SUFFIX = '.key.sealed';

export class KeyStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly dataDir: string,
  ) {}

  /** A cheap fingerprint of the key table (ids and states), to see whether the ring changed. */
  async fingerprint(): Promise<string> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .select(['kid', 'state'])
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute();
    return rows.map((r) => `${r.kid}:${r.state}`).join(',');
  }

  async list(): Promise<StoredKey[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .selectAll()
      .orderBy('created_at', 'desc')
      .orderBy('kid')
      .execute();
    return rows.map((row) => ({
      key: new SigningKey(this.box.open(row.private_key, aad(row.kid)), row.certificate),
      state: row.state,
      createdAt: Number(row.created_at),
    }));
  }

  #filesSealed = false;

  /** Loads the key ring, generating the first key when there is none. */
  async ring(): Promise<KeyRing> {
    if (!this.#filesSealed) {
      this.sealPlaintextFiles();
      this.#filesSealed = true;
    }
    let all = await this.list();
    if (!all.some((k) => k.state === 'active')) {
      await this.add(await SigningKey.generate(), 'active');
      all = await this.list();
    }
    const live = all.filter((k) => k.state !== 'retired');
    const signer = live.find((k) => k.state === 'active')!.key;
    return { signer, published: [signer, ...live.filter((k) => k.key !== signer).map((k) => k.key)], all };
  }

  async add(key: SigningKey, state: KeyState): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        alg: SIGNING_ALG,
        private_key: this.box.seal(key.privateKeyPem, aad(key.kid)),
        certificate: key.certificatePem,
        state,
        created_at: Date.now(),
      })
      .execute();
    this.writeFiles(key);
  }

  /**
   * Rotation. Without `stage`: a staged key (if any) or a new key becomes the signer; the
   * previous signer stays published; older published keys are retired (two live keys at most).
   * With `stage`: a new key is published but does not sign yet, so registries can be given the
   * new bundle before it is used.
   */
  async rotate(options: { stage?: boolean } = {}): Promise<SigningKey> {
    if (options.stage) {
      const key = await SigningKey.generate();
      await this.add(key, 'published');
      await this.retireBeyond(3);
      return key;
    }
    // list() is newest first: a published key newer than the signer was staged for this rotation.
    const all = await this.list();
    const active = all.find((k) => k.state === 'active');
    const staged = all.find((k) => k.state === 'published' && (!active || k.createdAt > active.createdAt));
    const next = staged?.key ?? (await SigningKey.generate());
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('signing_keys')
        .set({ state: 'published' })
        .where('state', '=', 'active')
        .execute();
      if (staged) {
        await trx
          .updateTable('signing_keys')
          .set({ state: 'active', created_at: Date.now() })
          .where('kid', '=', next.kid)
          .execute();
      }
    });
    if (!staged) await this.add(next, 'active');
    await this.retireBeyond(2);
    return next;
  }

  async retire(kid: string): Promise<void> {
    const row = await this.db
      .selectFrom('signing_keys')
      .select(['state'])
      .where('kid', '=', kid)
      .executeTakeFirst();
    if (!row) throw new NotFound(`no signing key with id ${kid}`);
    if (row.state === 'active')
      throw new Conflict(`key ${kid} is the signing key; rotate first, then retire it`);
    await this.db.updateTable('signing_keys').set({ state: 'retired' }).where('kid', '=', kid).execute();
  }

  /** Keeps the newest `keep` live keys (the signer always among them) and retires the rest. */
  private async retireBeyond(keep: number): Promise<void> {
    const live = (await this.list()).filter((k) => k.state !== 'retired');
    const ordered = [
      ...live.filter((k) => k.state === 'active'),
      ...live.filter((k) => k.state !== 'active'),
    ];
    for (const old of ordered.slice(keep)) {
      await this.db
        .updateTable('signing_keys')
        .set({ state: 'retired' })
        .where('kid', '=', old.key.kid)
        .execute();
    }
  }

  /** The private key in PEM (`purser keys export --pem`): the signer's, or the key `kid`. */
  async exportPem(kid?: string): Promise<{ kid: string; pem: string }> {
    const all = await this.list();
    const found =
      kid === undefined ? all.find((k) => k.state === 'active') : all.find((k) => k.key.kid === kid);
    if (!found)
      throw new NotFound(kid === undefined ? 'no signing key yet' : `no signing key with id ${kid}`);
    return { kid: found.key.kid, pem: found.key.privateKeyPem };
  }

  /** Seals the plaintext private keys earlier versions wrote beside the certificates. */
  sealPlaintextFiles(): number {
    const dir = path.join(this.dataDir, 'keys');
    let names: string[];
    try {
      names = fs.readdirSync(dir);
    } catch {
      return 0;
    }
    let sealed = 0;
    for (const name of names.filter((n) => n.endsWith(PLAINTEXT_SUFFIX))) {
      const kid = name.slice(0, -PLAINTEXT_SUFFIX.length);
      const file = path.join(dir, name);
      writePrivate(
        path.join(dir, `${kid}${SEALED_KEY_SUFFIX}`),
        this.box.seal(fs.readFileSync(file, 'utf8'), aad(kid)),
      );
      fs.unlinkSync(file);
      sealed++;
    }
    return sealed;
  }

  private writeFiles(key: SigningKey): void {
    const dir = path.join(this.dataDir, 'keys');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const safe = key.kid.replace(/[^A-Za-z0-9_-]/g, '_');
    writePrivate(
      path.join(dir, `${safe}${SEALED_KEY_SUFFIX}`),
      this.box.seal(key.privateKeyPem, aad(key.kid)),
    );
    writePrivate(path.join(dir, `${safe}.crt.pem`), `${key.certificatePem}\n`);
  }
}

function writePrivate(file: string, content: string): void {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The PEM bundle registries use as `rootcertbundle`. */
export function rootBundle(ring: KeyRing): string {
  return `${ring.published.map((k) => k.certificatePem).join('\n')}\n`;
}

export function jwks(ring: KeyRing): { keys: SigningKey['jwk'][] } {
  return { keys: ring.published.map((k) => k.jwk) };
}
