export { ensureNotifySecret, NOTIFY_SECRET_HEADER } from '../catalog/notify-secret.ts';
export { type NginxOptions, renderNginxServerBlock } from './nginx.ts';
export {
  type NotificationsOptions,
  notificationsEndpointUrl,
  notificationsFragment,
} from './notifications.ts';
