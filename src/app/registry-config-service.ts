/**
 * What a registry needs to trust Purser: the Distribution `config.yml` fragment, the
 * certificate bundle, the JWKS, or an nginx server block. Administrators and the registry's
 * managers only. `distribution` includes the notifications block with the registry's
 * notification secret: the same one every time, a new one only when asked to rotate it (the
 * previous one keeps working until the registry uses the new one).
 */
import type { Kysely } from 'kysely';
import { notifySecret } from '../catalog/notify-secret.ts';
import type { SecretBox } from '../crypto/secret-box.ts';
import { BadRequest } from '../domain/errors.ts';
import {
  DEFAULT_ROOT_CERT_BUNDLE,
  renderBundle,
  renderDistributionConfig,
  renderJwks,
} from '../registry-config/distribution.ts';
import { renderNginxServerBlock } from '../registry-config/nginx.ts';
import { notificationsFragment } from '../registry-config/notifications.ts';
import type { Database } from '../store/schema.ts';
import type { Authority } from './authority.ts';
import { requireRegistryManager, requireSomeRegistryManager } from './authorization.ts';
import type { Caller } from './caller.ts';
import type { RegistryService } from './registry-service.ts';

export type RegistryConfigFormat = 'distribution' | 'bundle' | 'jwks' | 'nginx';

export interface RegistryConfigRequest {
  readonly format: RegistryConfigFormat;
  /** distribution: path of the bundle on the registry host. */
  readonly rootCertBundle?: string | undefined;
  /** distribution: make a new notification secret (default: keep the current one). */
  readonly rotateNotifySecret?: boolean | undefined;
  /** nginx: `listen`, `server_name`, and the certificate and key (both or neither). */
  readonly listen?: string | undefined;
  readonly serverName?: string | undefined;
  readonly tlsCertificate?: string | undefined;
  readonly tlsKey?: string | undefined;
}

export interface RegistryConfigDocument {
  readonly mediaType: string;
  /** Text, or a JSON value (jwks). */
  readonly body: string | object;
  /** The document holds a secret (the notification secret): never cache it. */
  readonly noStore: boolean;
}

export interface RegistryConfigServiceDeps {
  readonly authority: Authority;
  readonly registries: RegistryService;
  readonly db: Kysely<Database>;
  /** Keeps the notification secret sealed at rest. */
  readonly box: SecretBox;
  /** Purser's public URL (the realm registries send clients to). */
  readonly publicUrl: string;
  readonly issuer: string;
}

export class RegistryConfigService {
  constructor(private readonly deps: RegistryConfigServiceDeps) {}

  async render(
    caller: Caller,
    service: string,
    request: RegistryConfigRequest,
  ): Promise<RegistryConfigDocument> {
    const { authority, publicUrl } = this.deps;
    requireSomeRegistryManager(caller, authority.snapshot.mode);
    await authority.refresh();
    const registry = this.deps.registries.require(service);
    requireRegistryManager(caller, registry, authority.snapshot.mode);
    switch (request.format) {
      case 'bundle':
        return { mediaType: 'application/x-pem-file', body: renderBundle(authority.ring), noStore: false };
      case 'jwks':
        return { mediaType: 'application/json', body: renderJwks(authority.ring), noStore: false };
      case 'nginx': {
        if ((request.tlsCertificate === undefined) !== (request.tlsKey === undefined))
          throw new BadRequest('give both tls_certificate and tls_key, or neither');
        const text = nginxBlock({
          service: registry.service,
          registryUrl: registry.url,
          purserUrl: publicUrl,
          ...(request.listen ? { listen: request.listen } : {}),
          ...(request.serverName ? { serverName: request.serverName } : {}),
          ...(request.tlsCertificate
            ? { tlsCertificate: request.tlsCertificate, tlsKey: request.tlsKey! }
            : {}),
        });
        return { mediaType: 'text/plain; charset=utf-8', body: text, noStore: false };
      }
      case 'distribution': {
        const secret = await notifySecret(this.deps.db, this.deps.box, registry.service, {
          rotate: request.rotateNotifySecret === true,
        });
        const { notifications } = notificationsFragment({ service: registry.service, publicUrl, secret });
        const text = renderDistributionConfig({
          publicUrl,
          service: registry.service,
          issuer: this.deps.issuer,
          rootCertBundle: request.rootCertBundle ?? DEFAULT_ROOT_CERT_BUNDLE,
          notifications,
        });
        return { mediaType: 'application/yaml; charset=utf-8', body: text, noStore: true };
      }
    }
  }
}

function nginxBlock(options: Parameters<typeof renderNginxServerBlock>[0]): string {
  try {
    return renderNginxServerBlock(options);
  } catch (error) {
    if (error instanceof TypeError)
      throw new BadRequest(error.message.replace(/^renderNginxServerBlock: /, ''));
    throw error;
  }
}
