/**
 * The `refresh:` section of purser.yaml, as written, and the targets it describes. Phase 2 adds
 * it to the configuration schema (src/config) and resolves each target's registries through the
 * vault and the minted-token cache.
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

const Registries = T.Array(T.String({ minLength: 1 }), { minItems: 1 });
const Common = { registries: Registries, environment: T.Optional(T.String({ minLength: 1 })) };
const Path = T.String({ minLength: 1 });
const SecretName = T.String({ pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 });
const Namespace = T.String({ pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 });

export const RefreshTargetSchema = T.Union([
  T.Object({ type: T.Literal('docker-config'), path: Path, ...Common }, { additionalProperties: false }),
  T.Object({ type: T.Literal('podman-auth'), path: Path, ...Common }, { additionalProperties: false }),
  T.Object({ type: T.Literal('rke2'), path: Path, ...Common }, { additionalProperties: false }),
  T.Object(
    {
      type: T.Literal('k8s-secret-file'),
      path: Path,
      name: SecretName,
      namespace: T.Optional(Namespace),
      format: T.Optional(T.Union([T.Literal('yaml'), T.Literal('json')])),
      ...Common,
    },
    { additionalProperties: false },
  ),
  T.Object(
    {
      type: T.Literal('k8s-secret'),
      kubeconfig: Path,
      context: T.Optional(T.String({ minLength: 1 })),
      name: SecretName,
      namespace: T.Optional(Namespace),
      ...Common,
    },
    { additionalProperties: false },
  ),
]);

export const RefreshSchema = T.Object(
  {
    interval: T.Optional(T.Integer({ minimum: 60 })),
    targets: T.Array(RefreshTargetSchema, { minItems: 1 }),
  },
  { additionalProperties: false },
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
