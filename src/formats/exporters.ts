/**
 * The registry of export formats: for each name, what it writes (one document, a binary archive,
 * or one file per registry), which settings it reads, and the exporter itself. `purser export`
 * is built on it (its flags, help and checks), and the API can offer the same list. A format's
 * module loads only when that format is used.
 */
import { BadRequest } from '../domain/errors.ts';
import { BUTANE_DEFAULT_PATH } from './butane.ts';
import { GANTRY_DEFAULT_CONFIGURATION } from './gantry.ts';
import type { ExportCredential } from './registry.ts';

/** Every setting an exporter may read; each exporter lists the ones it does. */
export interface ExportSettings {
  /** `credHelpers` entries pointing to docker-credential-purser instead of secrets. */
  readonly helper: boolean;
  /** Kubernetes Secret name. */
  readonly name: string;
  readonly namespace: string | undefined;
  /** `kubernetes.io/dockercfg` instead of `kubernetes.io/dockerconfigjson`. */
  readonly legacy: boolean;
  /** How a Kubernetes Secret is serialized. */
  readonly encoding: 'yaml' | 'json';
  /** rkt: `dockerAuth` files (registries) instead of `auth` (domains). */
  readonly dockerAuth: boolean;
  /** Butane variant: flatcar | fcos. */
  readonly variant: string;
  /** Butane: where the node gets config.json. */
  readonly path: string;
  /** Butane: the file mode of config.json. */
  readonly mode: number;
  /** Butane: serve config.json from this URL (verified by sha512) instead of inlining it. */
  readonly source: string | undefined;
  /** Gantry: the Docker config directory column. */
  readonly configuration: string;
}

export type ExportSetting = keyof ExportSettings;

export const EXPORT_DEFAULTS: ExportSettings = Object.freeze({
  helper: false,
  name: 'regcred',
  namespace: undefined,
  legacy: false,
  encoding: 'yaml',
  dockerAuth: false,
  variant: 'flatcar',
  path: BUTANE_DEFAULT_PATH,
  mode: 0o644,
  source: undefined,
  configuration: GANTRY_DEFAULT_CONFIGURATION,
});

export interface ExportFile {
  readonly name: string;
  readonly content: string;
}

/** What an exporter produces. */
export type ExportArtifact =
  | { readonly kind: 'document'; readonly text: string }
  | { readonly kind: 'archive'; readonly bytes: Buffer }
  | { readonly kind: 'files'; readonly files: readonly ExportFile[] };

export interface ExportOutput {
  readonly artifact: ExportArtifact;
  /** Butane with a `source` URL: the config.json to publish there, and its `sha512-` hash. */
  readonly published?: { readonly content: string; readonly hash: string };
}

export interface Exporter {
  readonly name: string;
  /** What it is, for help and listings. */
  readonly summary: string;
  /** document: one text file; archive: binary, never to a terminal; files: one per registry. */
  readonly writes: ExportArtifact['kind'];
  readonly mediaType: string;
  /** The settings it reads (any other given setting is a mistake worth saying). */
  readonly settings: readonly ExportSetting[];
  build(credentials: readonly ExportCredential[], settings: ExportSettings): Promise<ExportOutput>;
  /** Merges into an existing file, keeping what else it holds (docker-config, podman-auth). */
  merge?(file: string, credentials: readonly ExportCredential[], settings: ExportSettings): Promise<void>;
}

const document = (text: string): ExportOutput => ({ artifact: { kind: 'document', text } });

function dockerConfigExporter(podman: boolean): Exporter {
  const keyOf = podman ? (address: string) => address : undefined;
  return {
    name: podman ? 'podman-auth' : 'docker-config',
    summary: podman
      ? 'containers auth.json (Docker Hub as docker.io); --helper and --out as docker-config'
      : '~/.docker/config.json "auths" (Docker Hub as https://index.docker.io/v1/), or with --helper "credHelpers" → purser; --out merges into an existing file keeping its other keys and permissions',
    writes: 'document',
    mediaType: 'application/json',
    settings: ['helper'],
    async build(credentials, settings) {
      const addresses = credentials.map((c) => c.address);
      if (podman) {
        const pa = await import('./podman-auth.ts');
        const auth = settings.helper ? pa.buildPodmanHelperAuth(addresses) : pa.buildPodmanAuth(credentials);
        return document(pa.renderPodmanAuth(auth));
      }
      const dc = await import('./docker-config.ts');
      const config = settings.helper
        ? dc.buildDockerHelperConfig(addresses)
        : dc.buildDockerConfig(credentials);
      return document(`${dc.renderDockerConfig(config)}\n`);
    },
    async merge(file, credentials, settings) {
      const dc = await import('./docker-config.ts');
      dc.mergeDockerConfigFile(file, credentials, {
        ...(settings.helper ? { helper: dc.PURSER_HELPER } : {}),
        ...(keyOf ? { keyOf } : {}),
      });
    },
  };
}

export const EXPORTERS: readonly Exporter[] = Object.freeze([
  dockerConfigExporter(false),
  dockerConfigExporter(true),
  {
    name: 'k8s-secret',
    summary:
      'kubernetes.io/dockerconfigjson Secret (same content as kubectl create secret docker-registry); --legacy for kubernetes.io/dockercfg; YAML or --output json',
    writes: 'document',
    mediaType: 'application/yaml',
    settings: ['name', 'namespace', 'legacy', 'encoding'],
    async build(credentials, settings) {
      const k = await import('./k8s-secret.ts');
      const secret = k.buildK8sSecret(credentials, {
        name: settings.name,
        namespace: settings.namespace,
        legacy: settings.legacy,
      });
      return document(
        settings.encoding === 'json' ? k.renderK8sSecretJson(secret) : k.renderK8sSecretYaml(secret),
      );
    },
  },
  {
    name: 'rkt',
    summary: 'one auth.d JSON per registry (--out DIR when there are several)',
    writes: 'files',
    mediaType: 'application/json',
    settings: ['dockerAuth'],
    async build(credentials, settings) {
      const { buildRktFiles } = await import('./rkt.ts');
      return {
        artifact: { kind: 'files', files: buildRktFiles(credentials, { dockerAuth: settings.dockerAuth }) },
      };
    },
  },
  {
    name: 'mesos',
    summary: 'docker.tar.gz with .docker/config.json for Marathon "uris" (--out, or stdout redirected)',
    writes: 'archive',
    mediaType: 'application/gzip',
    settings: [],
    async build(credentials) {
      const { buildMesosArchive } = await import('./mesos.ts');
      return { artifact: { kind: 'archive', bytes: buildMesosArchive(credentials) } };
    },
  },
  {
    name: 'butane',
    summary: 'Flatcar/FCOS Butane config writing config.json (inline, or --source URL)',
    writes: 'document',
    mediaType: 'application/yaml',
    settings: ['variant', 'path', 'mode', 'source'],
    async build(credentials, settings) {
      const { buildButane } = await import('./butane.ts');
      const result = buildButane(credentials, {
        variant: settings.variant,
        path: settings.path,
        mode: settings.mode,
        ...(settings.source ? { source: settings.source } : {}),
      });
      return {
        artifact: { kind: 'document', text: result.config },
        ...(settings.source ? { published: { content: result.content, hash: result.hash } } : {}),
      };
    },
  },
  {
    name: 'gantry',
    summary: 'GANTRY_REGISTRY_CONFIGS_FILE lines "<configuration> <registry> <user> <password>"',
    writes: 'document',
    mediaType: 'text/plain',
    settings: ['configuration'],
    async build(credentials, settings) {
      const { buildGantryConfigs } = await import('./gantry.ts');
      return document(buildGantryConfigs(credentials, { configuration: settings.configuration }));
    },
  },
  {
    name: 'rke2',
    summary: 'RKE2/K3s registries.yaml configs.<host>.auth',
    writes: 'document',
    mediaType: 'application/yaml',
    settings: [],
    async build(credentials) {
      const { renderRke2Registries } = await import('./rke2.ts');
      return document(renderRke2Registries(credentials));
    },
  },
] satisfies Exporter[]);

export const EXPORT_FORMATS: readonly string[] = EXPORTERS.map((e) => e.name);

export function exporterFor(name: string): Exporter {
  const exporter = EXPORTERS.find((e) => e.name === name);
  if (!exporter) throw new BadRequest(`unknown format "${name}": use one of ${EXPORT_FORMATS.join(', ')}`);
  return exporter;
}

/** The formats that read a setting, for "--helper applies to docker-config and podman-auth only". */
export function formatsReading(setting: ExportSetting): string[] {
  return EXPORTERS.filter((e) => e.settings.includes(setting)).map((e) => e.name);
}
