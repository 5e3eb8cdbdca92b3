/**
 * A Kubernetes image pull Secret kept fresh through the API server: read it, then create it or
 * replace it with the read `resourceVersion` (optimistic concurrency: a 409 means someone wrote
 * in between, so read and write once more). The data is exactly `purser export k8s-secret`'s.
 * Labels and annotations others put on the Secret are kept; a Secret of another type is left
 * alone (the API forbids changing a Secret's type).
 */
import { BadRequest, Conflict } from '../domain/errors.ts';
import { buildK8sSecret } from '../formats/k8s-secret.ts';
import type { ExportCredential } from '../formats/registry.ts';
import { KubeSecretClient, type SecretObject } from './kube-secret-client.ts';
import { type KubeConnection, loadKubeconfig } from './kubeconfig.ts';
import type { RefreshTarget } from './refresh-target.ts';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

export interface K8sSecretApiTargetOptions {
  readonly kubeconfig: string;
  readonly context?: string | undefined;
  readonly name: string;
  /** Default: the context's namespace. */
  readonly namespace?: string | undefined;
}

export class K8sSecretApiTarget implements RefreshTarget {
  readonly name: string;
  readonly #options: K8sSecretApiTargetOptions;

  constructor(options: K8sSecretApiTargetOptions) {
    this.#options = options;
    this.name = `k8s-secret ${options.namespace ? `${options.namespace}/` : ''}${options.name}`;
  }

  async write(credentials: readonly ExportCredential[]): Promise<string> {
    // Read the kubeconfig on every write: a projected token file rotates under us.
    const connection: KubeConnection = loadKubeconfig(this.#options.kubeconfig, this.#options.context);
    const namespace = this.#options.namespace ?? connection.namespace;
    const built = buildK8sSecret(credentials, { name: this.#options.name, namespace });
    const client = new KubeSecretClient(connection);
    for (let attempt = 1; ; attempt++) {
      try {
        const existing = await client.get(namespace, this.#options.name);
        if (!existing) {
          await client.create(namespace, this.#secret(built, namespace, undefined));
          return `Secret ${namespace}/${this.#options.name} created (${credentials.length} registries)`;
        }
        if (existing.type !== built.type)
          throw new BadRequest(
            `Secret ${namespace}/${this.#options.name} has type ${existing.type}, not ${built.type}; delete it or choose another name`,
          );
        await client.replace(namespace, this.#secret(built, namespace, existing));
        return `Secret ${namespace}/${this.#options.name} replaced (${credentials.length} registries)`;
      } catch (error) {
        if (error instanceof Conflict && attempt < 3) continue;
        throw error;
      }
    }
  }

  #secret(
    built: ReturnType<typeof buildK8sSecret>,
    namespace: string,
    existing: SecretObject | undefined,
  ): SecretObject {
    return {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: this.#options.name,
        namespace,
        ...(existing?.metadata.resourceVersion ? { resourceVersion: existing.metadata.resourceVersion } : {}),
        labels: { ...(existing?.metadata.labels ?? {}), [MANAGED_BY_LABEL]: 'purser' },
        ...(existing?.metadata.annotations ? { annotations: existing.metadata.annotations } : {}),
      },
      type: built.type,
      data: built.data,
    };
  }
}
