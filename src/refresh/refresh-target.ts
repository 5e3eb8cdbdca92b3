/**
 * A place `purser refresh` keeps credentials fresh in, for consumers that cannot ask Purser
 * (a Docker config.json, a Kubernetes Secret…). `write` replaces this target's entries for the
 * given registries with the given credentials, atomically, and says what it did.
 */
import type { ExportCredential } from '../formats/registry.ts';

export interface RefreshTarget {
  /** For reports: `docker-config /root/.docker/config.json`, `k8s-secret ci/regcred`. */
  readonly name: string;
  write(credentials: readonly ExportCredential[]): Promise<string>;
}

/** A credential with its expiry, as the scheduler receives it (epoch seconds). */
export interface RefreshCredential {
  readonly credential: ExportCredential;
  /** Absent for credentials that do not expire. */
  readonly expiresAt?: number | undefined;
  /** When the target should be rewritten (the token's half-life); default halfway to expiry. */
  readonly refreshAt?: number | undefined;
}
