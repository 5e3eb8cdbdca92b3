/**
 * Kubernetes image pull Secrets, identical in content to
 * `kubectl create secret docker-registry NAME --docker-server=S … --dry-run=client -o json`:
 * type `kubernetes.io/dockerconfigjson`, data `.dockerconfigjson` = base64 of Go's
 * `json.Marshal({"auths":{S:{username,password,email?,auth}}})` (Docker Hub under
 * `https://index.docker.io/v1/`). `legacy` writes `kubernetes.io/dockercfg` with `.dockercfg`,
 * the bare map without `auths`.
 */
import YAML from 'yaml';
import { BadRequest } from '../domain/errors.ts';
import { dockerConfigKey } from '../domain/registry-address.ts';
import { type ExportCredential, encodeAuth, goJson, requirePassword } from './registry.ts';

export interface K8sSecretOptions {
  readonly name: string;
  readonly namespace?: string | undefined;
  readonly legacy?: boolean;
}

interface DockerConfigEntry {
  username: string;
  password: string;
  email?: string;
  auth: string;
}

export interface K8sSecret {
  kind: 'Secret';
  apiVersion: 'v1';
  metadata: { name: string; namespace?: string; creationTimestamp: null };
  data: Record<string, string>;
  type: 'kubernetes.io/dockerconfigjson' | 'kubernetes.io/dockercfg';
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function buildK8sSecret(
  credentials: readonly ExportCredential[],
  options: K8sSecretOptions,
): K8sSecret {
  if (!DNS_SUBDOMAIN.test(options.name) || options.name.length > 253)
    throw new BadRequest(`invalid Secret name "${options.name}": use lowercase letters, digits, "-" and "."`);
  if (options.namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.namespace))
    throw new BadRequest(`invalid namespace "${options.namespace}"`);
  const entries: Record<string, DockerConfigEntry> = {};
  for (const c of credentials) {
    requirePassword(c, 'a Kubernetes pull Secret');
    const auth = encodeAuth(c.username, c.secret);
    entries[dockerConfigKey(c.address)] = c.email
      ? { username: c.username, password: c.secret, email: c.email, auth }
      : { username: c.username, password: c.secret, auth };
  }
  const payload = options.legacy ? goJson(entries) : goJson({ auths: entries });
  const key = options.legacy ? '.dockercfg' : '.dockerconfigjson';
  const metadata: K8sSecret['metadata'] =
    options.namespace === undefined
      ? { name: options.name, creationTimestamp: null }
      : { name: options.name, namespace: options.namespace, creationTimestamp: null };
  return {
    kind: 'Secret',
    apiVersion: 'v1',
    metadata,
    data: { [key]: Buffer.from(payload, 'utf8').toString('base64') },
    type: options.legacy ? 'kubernetes.io/dockercfg' : 'kubernetes.io/dockerconfigjson',
  };
}

/** `-o json` exactly as kubectl prints it (4-space indent). */
export function renderK8sSecretJson(secret: K8sSecret): string {
  return `${JSON.stringify(secret, null, 4)}\n`;
}

/** YAML with kubectl's key order (sorted). */
export function renderK8sSecretYaml(secret: K8sSecret): string {
  return YAML.stringify(secret, { sortMapEntries: true });
}
