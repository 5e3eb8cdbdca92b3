/**
 * The file targets of `purser refresh`, each written with the exporters of src/formats:
 * Docker `config.json` and podman `auth.json` are merged atomically (other entries, keys, mode
 * and owner kept, as `purser export --out` does); a Kubernetes Secret manifest and RKE2's
 * `registries.yaml` are rewritten atomically, registries.yaml keeping its other entries.
 */
import fs from 'node:fs';
import YAML from 'yaml';
import { BadRequest } from '../domain/errors.ts';
import { writeFileAtomic } from '../formats/atomic-file.ts';
import { mergeDockerConfigFile } from '../formats/docker-config.ts';
import { buildK8sSecret, renderK8sSecretJson, renderK8sSecretYaml } from '../formats/k8s-secret.ts';
import type { ExportCredential } from '../formats/registry.ts';
import { buildRke2Registries } from '../formats/rke2.ts';
import type { RefreshTarget } from './refresh-target.ts';

const plural = (n: number) => `${n} registr${n === 1 ? 'y' : 'ies'}`;

export class DockerConfigTarget implements RefreshTarget {
  readonly name: string;
  constructor(readonly path: string) {
    this.name = `docker-config ${path}`;
  }
  async write(credentials: readonly ExportCredential[]): Promise<string> {
    mergeDockerConfigFile(this.path, credentials);
    return `${plural(credentials.length)} merged into ${this.path}`;
  }
}

export class PodmanAuthTarget implements RefreshTarget {
  readonly name: string;
  constructor(readonly path: string) {
    this.name = `podman-auth ${path}`;
  }
  async write(credentials: readonly ExportCredential[]): Promise<string> {
    // containers auth.json keys registries by host as written (Docker Hub as docker.io).
    mergeDockerConfigFile(this.path, credentials, { keyOf: (address) => address });
    return `${plural(credentials.length)} merged into ${this.path}`;
  }
}

export class K8sSecretFileTarget implements RefreshTarget {
  readonly name: string;
  constructor(
    readonly path: string,
    readonly secret: { readonly name: string; readonly namespace?: string | undefined },
    readonly format: 'yaml' | 'json' = 'yaml',
  ) {
    this.name = `k8s-secret-file ${path}`;
  }
  async write(credentials: readonly ExportCredential[]): Promise<string> {
    const secret = buildK8sSecret(credentials, this.secret);
    writeFileAtomic(
      this.path,
      this.format === 'json' ? renderK8sSecretJson(secret) : renderK8sSecretYaml(secret),
      {
        defaultMode: 0o600,
      },
    );
    return `Secret ${this.secret.name} (${plural(credentials.length)}) written to ${this.path}`;
  }
}

export class Rke2RegistriesTarget implements RefreshTarget {
  readonly name: string;
  constructor(readonly path: string) {
    this.name = `rke2 ${path}`;
  }
  async write(credentials: readonly ExportCredential[]): Promise<string> {
    let existing: Record<string, unknown> = {};
    try {
      const parsed: unknown = YAML.parse(fs.readFileSync(this.path, 'utf8'));
      if (parsed !== null && parsed !== undefined) {
        if (typeof parsed !== 'object' || Array.isArray(parsed))
          throw new BadRequest(`${this.path} must hold a YAML mapping (mirrors:, configs:)`);
        existing = parsed as Record<string, unknown>;
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const configs = { ...((existing.configs as Record<string, unknown> | undefined) ?? {}) };
    for (const [host, entry] of Object.entries(buildRke2Registries(credentials).configs)) {
      // Keep a host's tls settings; replace only its auth.
      const current = configs[host];
      configs[host] = typeof current === 'object' && current !== null ? { ...current, ...entry } : entry;
    }
    const text = YAML.stringify({ ...existing, configs }, { aliasDuplicateObjects: false });
    writeFileAtomic(this.path, text, { defaultMode: 0o600 });
    return `${plural(credentials.length)} written to ${this.path} (restart rke2/k3s to apply)`;
  }
}
