/** What service accounts and robots share: a generated secret that can be replaced, and deletion. */
import type { Caller } from './caller.ts';

export interface RegeneratedSecret {
  readonly name: string;
  /** Shown once; only its salted hash is stored. */
  readonly secret: string;
}

export interface MachineAccounts {
  /** Replaces the secret with a new generated one; refresh tokens of the account end. */
  regenerate(caller: Caller, name: string): Promise<RegeneratedSecret>;
  /** Deletes the account; its refresh tokens die with it. */
  remove(caller: Caller, name: string): Promise<void>;
}
