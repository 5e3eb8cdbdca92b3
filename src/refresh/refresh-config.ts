/**
 * The `refresh:` section of purser.yaml (part of the configuration schema, src/config/schema.ts),
 * as written, and the targets it describes; `purser refresh` resolves each target's registries
 * through the vault (cloud kinds through the minted-token cache).
 *
 *   refresh:
 *     interval: 3600                # seconds, for targets holding only static credentials
 *     targets:
 *       - type: docker-config       # docker-config | podman-auth | k8s-secret-file | k8s-secret | rke2
 *         path: /root/.docker/config.json
 *         registries: [123456789012.dkr.ecr.eu-west-1.amazonaws.com]
 *         environment: prod         # vault environment, default "default"
 *       - type: k8s-secret
 *         kubeconfig: /etc/purser/kubeconfig
 *         name: regcred
 *         namespace: ci
 *         registries: [europe-docker.pkg.dev]
 */
import { type Static, Type as T } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { ConfigInvalid } from '../domain/errors.ts';
import {
  DockerConfigTarget,
  K8sSecretFileTarget,
  PodmanAuthTarget,
  Rke2RegistriesTarget,
} from './file-targets.ts';
import { K8sSecretApiTarget } from './k8s-secret-api-target.ts';
import type { RefreshTarget } from './refresh-target.ts';

const Registries = T.Array(T.String({ minLength: 1 }), {
  minItems: 1,
  description: 'Vault addresses (host[:port]) whose credentials the target holds',
});
const Common = {
  registries: Registries,
  environment: T.Optional(
    T.String({
      minLength: 1,
      default: 'default',
      description: 'Vault environment the credentials come from',
    }),
  ),
};
const Path = T.String({
  minLength: 1,
  description: 'The file to rewrite (absolute, or relative to the working directory)',
});
const SecretName = T.String({
  pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$',
  maxLength: 253,
  description: 'Name of the Kubernetes Secret',
});
const Namespace = T.String({
  pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
  maxLength: 63,
  description: "Namespace of the Secret (default: the kubeconfig context's, else default)",
});

export const RefreshTargetSchema = T.Union([
  T.Object(
    {
      type: T.Literal('docker-config', { description: 'A Docker config.json (merged: other entries stay)' }),
      path: Path,
      ...Common,
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      type: T.Literal('podman-auth', { description: 'A containers auth.json (merged: other entries stay)' }),
      path: Path,
      ...Common,
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      type: T.Literal('rke2', { description: 'RKE2/K3s registries.yaml (mirrors and tls stay)' }),
      path: Path,
      ...Common,
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      type: T.Literal('k8s-secret-file', {
        description: 'A kubernetes.io/dockerconfigjson Secret manifest on disk',
      }),
      path: Path,
      name: SecretName,
      namespace: T.Optional(Namespace),
      format: T.Optional(
        T.Union([T.Literal('yaml'), T.Literal('json')], {
          default: 'yaml',
          description: "The manifest's encoding",
        }),
      ),
      ...Common,
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      type: T.Literal('k8s-secret', { description: 'A Secret written through the API server' }),
      kubeconfig: T.String({
        minLength: 1,
        description: 'kubeconfig for the API server (token, client certificate or basic auth)',
      }),
      context: T.Optional(
        T.String({ minLength: 1, description: 'kubeconfig context (default: its current-context)' }),
      ),
      name: SecretName,
      namespace: T.Optional(Namespace),
      ...Common,
    },
    { additionalProperties: false },
  ),
]);

export const RefreshSchema = T.Object(
  {
    interval: T.Optional(
      T.Integer({
        minimum: 60,
        default: 3600,
        description: 'Seconds between rewrites of targets holding only static credentials',
      }),
    ),
    targets: T.Array(RefreshTargetSchema, {
      minItems: 1,
      description: "Where `purser refresh` keeps credentials fresh, rewritten by each token's half-life",
    }),
  },
  {
    additionalProperties: false,
    description:
      '`purser refresh --watch|--once`: files and Secrets kept fresh for consumers that cannot ask Purser',
  },
);

export type RefreshTargetConfig = Static<typeof RefreshTargetSchema>;
export type RefreshConfig = Static<typeof RefreshSchema>;

/** Validates a written `refresh:` section; every problem is listed as `refresh.path: message`. */
export function parseRefreshConfig(value: unknown): RefreshConfig {
  if (Value.Check(RefreshSchema, value)) return value;
  const problems = new Set<string>();
  for (const error of Value.Errors(RefreshSchema, value)) {
    const where = `refresh${error.path.replace(/\//g, '.').replace(/\.(\d+)/g, '[$1]')}`;
    problems.add(`${where}: ${error.message}`);
  }
  // Union errors repeat per branch; a target's `type` narrows it down for the reader.
  const targets = (value as { targets?: unknown[] } | null)?.targets;
  if (Array.isArray(targets))
    targets.forEach((t, i) => {
      const type = (t as { type?: unknown } | null)?.type;
      if (!['docker-config', 'podman-auth', 'rke2', 'k8s-secret-file', 'k8s-secret'].includes(String(type)))
        problems.add(
          `refresh.targets[${i}].type: must be docker-config, podman-auth, k8s-secret-file, k8s-secret or rke2`,
        );
    });
  throw new ConfigInvalid([...problems]);
}

export function buildRefreshTarget(config: RefreshTargetConfig): RefreshTarget {
  switch (config.type) {
    case 'docker-config':
      return new DockerConfigTarget(config.path);
    case 'podman-auth':
      return new PodmanAuthTarget(config.path);
    case 'rke2':
      return new Rke2RegistriesTarget(config.path);
    case 'k8s-secret-file':
      return new K8sSecretFileTarget(
        config.path,
        { name: config.name, namespace: config.namespace },
        config.format,
      );
    case 'k8s-secret':
      return new K8sSecretApiTarget({
        kubeconfig: config.kubeconfig,
        context: config.context,
        name: config.name,
        namespace: config.namespace,
      });
  }
}
