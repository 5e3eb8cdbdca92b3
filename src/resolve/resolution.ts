/** The inputs and the answer of `resolveCredential` (src/resolve/resolve-credential.ts). */
import type { ImageReference } from '../vault/image-reference.ts';
import type { GantrySelection } from './gantry-selection.ts';

/** A credential some configuration directory is known to hold (from Gantry's inputs). */
export interface KnownConfiguration {
  /** As written; empty = the default location. */
  readonly configuration: string;
  /** The registry exactly as written (Gantry compares this string). */
  readonly host: string;
  /** Canonical registry address. */
  readonly registry: string;
  /** Where it was declared (`GANTRY_REGISTRY_* variables`, `configs.txt line 3`). */
  readonly source: string;
}

export interface VaultCredentialSummary {
  readonly username: string;
  readonly state: 'active' | 'deactivated' | 'deleted';
  readonly kind: string;
  readonly updatedBy?: string;
  readonly updatedAt?: number;
}

/** What the vault knows about one environment. */
export interface VaultView {
  readonly environment: string;
  readonly defaultRegistry: string | null;
  /** null = no allowlist. */
  readonly allowlist: readonly string[] | null;
  credential(registry: string): VaultCredentialSummary | undefined;
}

/** What `<dir>/config.json` says about a registry. */
export type ConfigEntry =
  | { readonly kind: 'no-directory' }
  | { readonly kind: 'no-config-json' }
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'auths'; readonly key: string; readonly username?: string }
  | { readonly kind: 'helper'; readonly helper: string; readonly key: string }
  | { readonly kind: 'store'; readonly helper: string };

export interface ResolveInput {
  /** The image as the service runs it; a `@digest` pin next to a tag is dropped (see strip). */
  readonly image: string;
  readonly labels?: Readonly<Record<string, string>>;
  /** Only DOCKER_CONFIG and HOME are read. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly known?: readonly KnownConfiguration[];
  readonly vault?: VaultView;
  /** Looks into `<dir>/config.json`; omitted = not inspected. */
  readonly configEntry?: (dir: string, registry: string) => ConfigEntry;
  /** Symlink resolution for comparing directories (Gantry uses readlink -f); default identity. */
  readonly realpath?: (p: string) => string;
  readonly service?: string;
}

export type SelectedBy = 'label' | 'auto' | 'DOCKER_CONFIG' | 'HOME';

export interface ResolveStep {
  readonly step: 'reference' | 'registry' | 'allowlist' | 'vault' | 'configuration' | 'credential' | 'flags';
  readonly detail: string;
}

export interface Resolution {
  readonly service?: string;
  readonly image: string;
  /** The image passed to `docker service update --image` (digest pin dropped when tagged). */
  readonly updateImage: string;
  readonly reference: ImageReference;
  readonly registry: string;
  readonly admitted: boolean;
  readonly vaultCredential: (VaultCredentialSummary & { environment: string }) | null;
  readonly configuration: {
    readonly dir: string;
    readonly selectedBy: SelectedBy;
    /** Label value or source line that selected it. */
    readonly reason: string;
    readonly isDefault: boolean;
  };
  readonly credentialSource: string;
  /** Global docker flags (`--config DIR`). */
  readonly dockerFlags: readonly string[];
  /** `docker service update` flags (`--with-registry-auth`). */
  readonly updateFlags: readonly string[];
  readonly command: string;
  readonly steps: readonly ResolveStep[];
  readonly warnings: readonly string[];
  /** What Gantry's own code would do, and whether it matches. */
  readonly gantry: GantrySelection & { readonly agrees: boolean };
}
