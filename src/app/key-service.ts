/**
 * The token signing keys (administrators only). `rotate` makes a new key the signer (the
 * previous one stays published so its tokens keep verifying); with `stage` it publishes a new
 * key first so registries can get the new bundle before it signs; `retire` removes a published
 * key from the JWKS and the bundle.
 */
import crypto from 'node:crypto';
import type { AuditSink } from '../audit/audit-entry.ts';
import type { StoredKey } from '../token/key-store.ts';
import type { Authority } from './authority.ts';
import { requireAdmin } from './authorization.ts';
import type { Caller } from './caller.ts';
import { recordChange } from './change-audit.ts';

export interface KeyView {
  kid: string;
  state: StoredKey['state'];
  signing: boolean;
  created: string;
  notAfter: string;
}

export class KeyService {
  constructor(private readonly deps: { readonly authority: Authority; readonly audit: AuditSink }) {}

  /** Newest first. */
  async list(caller: Caller): Promise<KeyView[]> {
    requireAdmin(caller);
    return this.#list();
  }

  async rotate(caller: Caller, stage: boolean): Promise<{ kid: string; staged: boolean; keys: KeyView[] }> {
    requireAdmin(caller);
    const key = await this.deps.authority.keys.rotate({ stage });
    recordChange(this.deps.audit, caller, {
      action: 'key.rotate',
      target: `key:${key.kid}`,
      details: { stage },
    });
    return { kid: key.kid, staged: stage, keys: await this.#list() };
  }

  /** A published key that does not sign. */
  async retire(caller: Caller, kid: string): Promise<KeyView[]> {
    requireAdmin(caller);
    await this.deps.authority.keys.retire(kid);
    recordChange(this.deps.audit, caller, { action: 'key.retire', target: `key:${kid}` });
    return this.#list();
  }

  async #list(): Promise<KeyView[]> {
    await this.deps.authority.refreshKeys();
    const signer = this.deps.authority.ring.signer.kid;
    return (await this.deps.authority.keys.list()).map((k) => keyView(k, signer));
  }
}

function keyView(stored: StoredKey, signer: string): KeyView {
  const certificate = new crypto.X509Certificate(stored.key.certificatePem);
  return {
    kid: stored.key.kid,
    state: stored.state,
    signing: stored.key.kid === signer,
    created: new Date(stored.createdAt).toISOString(),
    notAfter: new Date(certificate.validTo).toISOString(),
  };
}
