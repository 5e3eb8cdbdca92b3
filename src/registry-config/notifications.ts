/**
 * The parts of a Distribution `config.yml` that registry integration contributes to
 * `purser registry config SERVICE --format distribution`:
 *  - `notifications`: one endpoint posting events to Purser, authenticated by the
 *    per-registry secret header, with `events.includereferences`;
 *  - `storage.delete.enabled: true`, so tags can be deleted.
 * Returned as plain objects; the caller merges them into the rest and renders YAML.
 */
import { NOTIFY_SECRET_HEADER } from '../catalog/notify-secret.ts';

export interface NotificationsOptions {
  readonly service: string;
  /** Purser's public base URL, e.g. https://purser.example.com */
  readonly publicUrl: string;
  /** From ensureNotifySecret(db, service). */
  readonly secret: string;
}

export function notificationsEndpointUrl(publicUrl: string, service: string): string {
  return `${publicUrl.replace(/\/+$/, '')}/notifications/${encodeURIComponent(service)}`;
}

export function notificationsFragment(options: NotificationsOptions): {
  notifications: Record<string, unknown>;
  storage: { delete: { enabled: true } };
} {
  return {
    notifications: {
      events: { includereferences: true },
      endpoints: [
        {
          name: 'purser',
          url: notificationsEndpointUrl(options.publicUrl, options.service),
          headers: { [NOTIFY_SECRET_HEADER]: [options.secret] },
          timeout: '5s',
          threshold: 5,
          backoff: '10s',
        },
      ],
    },
    storage: { delete: { enabled: true } },
  };
}
