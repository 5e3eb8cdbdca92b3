/**
 * The parts of a kubeconfig file (client-go `clientcmd` v1) needed to reach an API server:
 * the context (current-context unless one is named), its cluster (server, CA, TLS name,
 * insecure-skip-tls-verify) and user (bearer token or token file, client certificate and key,
 * basic auth). `*-data` fields are base64; file paths are relative to the kubeconfig's
 * directory. Exec plugins and auth-providers are refused: Purser runs no external commands for
 * a refresh.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { BadRequest } from '../domain/errors.ts';

export interface KubeConnection {
  readonly server: string;
  /** The context's namespace, else `default`. */
  readonly namespace: string;
  readonly ca: Buffer | undefined;
  readonly cert: Buffer | undefined;
  readonly key: Buffer | undefined;
  readonly token: string | undefined;
  readonly basic: { readonly username: string; readonly password: string } | undefined;
  readonly insecureSkipTlsVerify: boolean;
  readonly tlsServerName: string | undefined;
}

type Named = { name?: unknown } & Record<string, unknown>;

export function loadKubeconfig(file: string, contextName?: string): KubeConnection {
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new BadRequest(`kubeconfig ${file} does not exist`);
    throw new BadRequest(`kubeconfig ${file} is not valid YAML`);
  }
  const config = asRecord(doc, `kubeconfig ${file}`);
  const base = path.dirname(path.resolve(file));
  const wanted =
    contextName ?? (typeof config['current-context'] === 'string' ? config['current-context'] : undefined);
  if (!wanted) throw new BadRequest(`kubeconfig ${file} has no current-context; name one with context:`);
  const context = asRecord(find(config.contexts, wanted, 'context', file).context, `context ${wanted}`);
  const clusterName = String(context.cluster ?? '');
  const userName = String(context.user ?? '');
  const cluster = asRecord(
    find(config.clusters, clusterName, 'cluster', file).cluster,
    `cluster ${clusterName}`,
  );
  const user =
    userName === ''
      ? {}
      : asRecord(find(config.users, userName, 'user', file).user ?? {}, `user ${userName}`);
  if (user.exec !== undefined || user['auth-provider'] !== undefined)
    throw new BadRequest(
      `kubeconfig user "${userName}" authenticates with an exec plugin or auth-provider, which Purser does not run; give it a service-account token (token or tokenFile) or a client certificate`,
    );
  const server = typeof cluster.server === 'string' ? cluster.server : '';
  if (!/^https?:\/\//.test(server))
    throw new BadRequest(`kubeconfig cluster "${clusterName}" has no http(s) server`);
  const bytes = (dataKey: string, fileKey: string): Buffer | undefined => {
    if (typeof cluster[dataKey] === 'string' || typeof user[dataKey] === 'string')
      return Buffer.from(String(cluster[dataKey] ?? user[dataKey]), 'base64');
    const ref = cluster[fileKey] ?? user[fileKey];
    return typeof ref === 'string' ? readRelative(base, ref) : undefined;
  };
  const tokenFile =
    typeof user.tokenFile === 'string'
      ? readRelative(base, user.tokenFile).toString('utf8').trim()
      : undefined;
  return {
    server: server.replace(/\/+$/, ''),
    namespace:
      typeof context.namespace === 'string' && context.namespace !== '' ? context.namespace : 'default',
    ca: bytes('certificate-authority-data', 'certificate-authority'),
    cert: bytes('client-certificate-data', 'client-certificate'),
    key: bytes('client-key-data', 'client-key'),
    token: typeof user.token === 'string' ? user.token : tokenFile,
    basic:
      typeof user.username === 'string'
        ? { username: user.username, password: String(user.password ?? '') }
        : undefined,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    tlsServerName: typeof cluster['tls-server-name'] === 'string' ? cluster['tls-server-name'] : undefined,
  };
}

function find(list: unknown, name: string, what: string, file: string): Named {
  const entry = Array.isArray(list) ? (list as Named[]).find((item) => item?.name === name) : undefined;
  if (!entry) throw new BadRequest(`kubeconfig ${file} has no ${what} named "${name}"`);
  return entry;
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new BadRequest(`${what} must be a mapping`);
  return value as Record<string, unknown>;
}

function readRelative(base: string, file: string): Buffer {
  const full = path.resolve(base, file);
  try {
    return fs.readFileSync(full);
  } catch {
    throw new BadRequest(`cannot read ${full}, named in the kubeconfig`);
  }
}
