/**
 * The authority at run time: the current access snapshot and policy, the credential
 * authenticator, and the signing key ring. Decisions and credential lookups are in memory.
 * It listens to ModelChanges and installs a new snapshot when the model version moves, whoever
 * moved it (an application service here, the CLI, another replica); `refresh()` catches up
 * with changes made elsewhere and with key rotations.
 */
import type { Kysely } from 'kysely';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { ResourceActions } from '../domain/access.ts';
import type { AccessMode, Principal, Registry } from '../domain/model.ts';
import { CredentialAuthenticator, type PrincipalDirectory } from '../identity/credential-authenticator.ts';
import {
  DEFAULT_LOGIN_THROTTLE,
  LoginThrottle,
  type LoginThrottleSettings,
} from '../identity/login-throttle.ts';
import { AccessController, AccessModel, type AccessRule, type Explanation } from '../policy/index.ts';
import { type AccessSnapshot, type CredentialRecord, readSnapshot } from '../store/access-store.ts';
import type { ModelChanges } from '../store/model-changes.ts';
import type { Database } from '../store/schema.ts';
import { TokenIssuer } from '../token/issuer.ts';
import { type KeyRing, KeyStore } from '../token/key-store.ts';

export interface AuthorityOptions {
  readonly db: Kysely<Database>;
  readonly box: SecretBox;
  readonly dataDir: string;
  readonly mode: AccessMode;
  readonly issuer: string;
  readonly lifetime: number;
  /** Hand out a recently signed identical token again instead of signing it anew. */
  readonly reuseTokens?: boolean;
  readonly changes: ModelChanges;
  /**
   * Called after a successful login with an outdated hash (an imported bcrypt one), so the
   * password can be stored again as argon2id (the user service does it).
   */
  readonly onRehash?: (name: string, password: string) => void;
  /** `login_throttle:` of the configuration (its defaults when absent). */
  readonly loginThrottle?: LoginThrottleSettings;
}

export class Authority implements PrincipalDirectory {
  #snapshot: AccessSnapshot;
  #model: AccessModel;
  readonly #controller: AccessController;
  #ring: KeyRing;
  #keysVersion = '';
  readonly #users = new Map<string, Principal>();
  readonly #services = new Map<string, Principal>();
  readonly #robots = new Map<string, Principal>();
  readonly #registries = new Map<string, Registry>();
  readonly authenticator: CredentialAuthenticator;
  /** Failed logins of every path (passwords, secrets, refresh tokens, identity sources). */
  readonly throttle: LoginThrottle;
  readonly issuer: TokenIssuer;
  readonly keys: KeyStore;

  private constructor(
    private readonly options: AuthorityOptions,
    snapshot: AccessSnapshot,
    keys: KeyStore,
    ring: KeyRing,
  ) {
    this.#snapshot = snapshot;
    this.throttle = new LoginThrottle(options.loginThrottle ?? DEFAULT_LOGIN_THROTTLE);
    this.#model = new AccessModel({});
    this.#controller = new AccessController(this.#model);
    this.keys = keys;
    this.#ring = ring;
    this.issuer = new TokenIssuer(ring.signer, {
      issuer: options.issuer,
      lifetime: options.lifetime,
      reuse: options.reuseTokens ?? false,
    });
    this.#install(snapshot);
    this.#keysVersion = ringVersion(ring);
    this.authenticator = new CredentialAuthenticator(this, {
      throttle: this.throttle,
      ...(options.onRehash ? { onRehash: options.onRehash } : {}),
    });
    options.changes.onChange((version) => this.#reload(version));
  }

  static async open(options: AuthorityOptions): Promise<Authority> {
    const keys = new KeyStore(options.db, options.box, options.dataDir);
    const ring = await keys.ring();
    const snapshot = await readSnapshot(options.db, options.mode);
    return new Authority(options, snapshot, keys, ring);
  }

  get snapshot(): AccessSnapshot {
    return this.#snapshot;
  }

  get model(): AccessModel {
    return this.#model;
  }

  get ring(): KeyRing {
    return this.#ring;
  }

  /** Catches up with model changes made elsewhere, and with key rotations. */
  async refresh(): Promise<void> {
    await this.options.changes.catchUp();
    await this.refreshKeys();
  }

  async #reload(version: number): Promise<void> {
    if (version !== this.#snapshot.version)
      this.#install(await readSnapshot(this.options.db, this.options.mode));
  }

  async refreshKeys(): Promise<void> {
    // Opening the sealed keys costs more than reading their ids: do it only when they changed.
    if ((await this.keys.fingerprint()) === this.#keysVersion) return;
    const ring = await this.keys.ring();
    const version = ringVersion(ring);
    if (version === this.#keysVersion) return;
    this.#ring = ring;
    this.#keysVersion = version;
    this.issuer.signWith(ring.signer);
  }

  registry(service: string): Registry | undefined {
    return this.#registries.get(service);
  }

  credential(name: string): CredentialRecord | undefined {
    return this.#snapshot.credentials.get(name);
  }

  principal(record: CredentialRecord): Principal | undefined {
    const table =
      record.kind === 'user' ? this.#users : record.kind === 'service' ? this.#services : this.#robots;
    return table.get(record.name);
  }

  principalByName(kind: 'user' | 'service' | 'robot', name: string): Principal | undefined {
    const record = this.credential(name);
    return record && record.kind === kind ? this.principal(record) : undefined;
  }

  authorize(
    principal: Principal,
    registry: Registry,
    accesses: readonly ResourceActions[],
    sourceAddress?: string,
  ): ResourceActions[] {
    return this.#controller.authorize(principal, registry, accesses, sourceAddress);
  }

  explain(
    principal: Principal,
    registry: Registry,
    access: ResourceActions,
    sourceAddress?: string,
  ): Explanation {
    return this.#controller.explain({
      principal,
      registry,
      resource: access,
      ...(sourceAddress ? { sourceAddress } : {}),
    });
  }

  #install(snapshot: AccessSnapshot): void {
    // `purser user unlock` in any process (the CLI, another replica) reaches this one here.
    for (const [name, record] of snapshot.credentials) {
      const before = this.#snapshot.credentials.get(name)?.unlockedAt ?? 0;
      if ((record.unlockedAt ?? 0) > before) this.throttle.unlock(name);
    }
    // Any change (a principal, a group, a rule, a registry) may change what a grant would be.
    this.issuer.forgetIssued();
    this.#snapshot = snapshot;
    this.#users.clear();
    this.#services.clear();
    this.#robots.clear();
    this.#registries.clear();
    for (const user of snapshot.users) this.#users.set(user.name, { kind: 'user', user });
    for (const service of snapshot.services) this.#services.set(service.name, { kind: 'service', service });
    for (const robot of snapshot.robots) this.#robots.set(robot.name, { kind: 'robot', robot });
    for (const registry of snapshot.registries) this.#registries.set(registry.service, registry);
    this.#model = new AccessModel({
      users: snapshot.users,
      groups: snapshot.groups,
      apps: snapshot.apps,
      services: snapshot.services,
      robots: snapshot.robots,
      registries: snapshot.registries,
      rules: snapshot.rules as AccessRule[],
      mode: snapshot.mode,
    });
    this.#controller.replaceModel(this.#model);
    // Revocation clears every cache: no cached check outlives a delete, disable or new secret.
    this.authenticator?.prune();
  }
}

function ringVersion(ring: KeyRing): string {
  return ring.all.map((k) => `${k.key.kid}:${k.state}`).join(',');
}
