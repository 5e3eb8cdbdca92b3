/**
 * rkt `auth.d` files (rkt Documentation/configuration.md): one JSON file per registry,
 * `{"rktKind":"auth","rktVersion":"v1","domains":[host],"type":"basic","credentials":{"user","password"}}`.
 * `dockerAuth` mode writes the Docker-registry variant with `registries` instead (Docker Hub as
 * `index.docker.io`, rkt's default registry).
 */
import { DOCKER_HUB } from '../domain/registry-address.ts';
import { type ExportCredential, requirePassword } from './registry.ts';

export interface RktFile {
  /** File name inside auth.d (`<host>[_<port>].json`). */
  readonly name: string;
  readonly content: string;
}

export function rktHost(address: string): string {
  return address === DOCKER_HUB ? 'index.docker.io' : address;
}

export function buildRktFiles(
  credentials: readonly ExportCredential[],
  options: { dockerAuth?: boolean } = {},
): RktFile[] {
  return credentials.map((c) => {
    requirePassword(c, 'rkt auth.d');
    const host = rktHost(c.address);
    const body = options.dockerAuth
      ? {
          rktKind: 'dockerAuth',
          rktVersion: 'v1',
          registries: [host],
          credentials: { user: c.username, password: c.secret },
        }
      : {
          rktKind: 'auth',
          rktVersion: 'v1',
          domains: [host],
          type: 'basic',
          credentials: { user: c.username, password: c.secret },
        };
    return {
      name: `${host.replace(/[^a-zA-Z0-9.-]/g, '_')}.json`,
      content: `${JSON.stringify(body, null, 2)}\n`,
    };
  });
}
