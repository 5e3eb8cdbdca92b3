/**
 * A valid configuration can still be unsafe. Each such setting gets a warning with a stable
 * code (for scripts and for docs/config.md), the key it is about, and what to do instead.
 */
import fs from 'node:fs';
import type { WrittenConfig } from './schema.ts';

export const CONFIG_WARNINGS = {
  PUBLIC_MODE: 'mode is public: anonymous clients may pull whatever the policy grants anonymous.',
  PLAIN_HTTP_PUBLIC_URL:
    'public_url is http:// on a non-loopback address: passwords and tokens cross the network unencrypted. Put Purser behind TLS and give an https:// public_url.',
  PLAIN_HTTP_REGISTRY:
    'A registry URL is http:// on a non-loopback address: the tokens Purser issues and the images cross the network unencrypted.',
  PLAINTEXT_PASSWORD:
    'A user has a password in clear in the file: prefer password_hash (argon2id or bcrypt).',
  IDENTITY_LDAP_CLEARTEXT:
    'An LDAP identity source talks plain LDAP to a non-loopback host: passwords cross the network unencrypted. Use ldaps:// or start_tls: true.',
  IDENTITY_TLS_UNVERIFIED:
    "An identity source's TLS certificate is not verified (insecure_skip_verify): anyone on the path can read the passwords.",
  IDENTITY_INLINE_SECRET:
    'An identity source has its secret written in the file: prefer the *_file key (a file readable only by Purser).',
  PLAIN_HTTP_LISTEN:
    'Purser listens without TLS on a non-loopback address: passwords and tokens cross the network unencrypted. Give tls (cert_file, key_file) or listen on 127.0.0.1 behind a TLS proxy.',
  CONFIG_FILE_READABLE:
    'The file holds passwords or secrets and other users of the machine can read it: chmod 600 it.',
} as const;

export type ConfigWarningCode = keyof typeof CONFIG_WARNINGS;

export interface ConfigWarning {
  readonly code: ConfigWarningCode;
  /** The key it is about (`mode`, `users[0].password`), or the file. */
  readonly path: string;
  readonly message: string;
}

/** `127.0.0.1`, `::1`, `localhost`: traffic that never leaves the machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    bare === 'localhost' || bare.endsWith('.localhost') || bare === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bare)
  );
}

function plainHttpElsewhere(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
  } catch {
    return false;
  }
}

export function configWarnings(
  written: WrittenConfig,
  publicUrl: string,
  file: string | undefined,
  serving: { readonly listenHost: string; readonly tls: boolean } = { listenHost: '127.0.0.1', tls: false },
): ConfigWarning[] {
  const warnings: ConfigWarning[] = [];
  const warn = (code: ConfigWarningCode, path: string, detail = '') =>
    warnings.push({ code, path, message: `${CONFIG_WARNINGS[code]}${detail}` });
  if (written.mode === 'public') warn('PUBLIC_MODE', 'mode');
  if (plainHttpElsewhere(publicUrl))
    warn(
      'PLAIN_HTTP_PUBLIC_URL',
      written.public_url === undefined ? 'public_url (from listen)' : 'public_url',
    );
  if (!serving.tls && !isLoopbackHost(serving.listenHost)) warn('PLAIN_HTTP_LISTEN', 'listen');
  written.registries?.forEach((r, i) => {
    if (plainHttpElsewhere(r.url)) warn('PLAIN_HTTP_REGISTRY', `registries[${i}].url`);
  });
  written.users?.forEach((u, i) => {
    if (u.password !== undefined) warn('PLAINTEXT_PASSWORD', `users[${i}].password`);
  });
  if (file !== undefined && holdsSecrets(written) && readableByOthers(file))
    warn('CONFIG_FILE_READABLE', file);
  return warnings;
}

function holdsSecrets(c: WrittenConfig): boolean {
  const inlineSourceSecret = (c.identity?.sources ?? []).some(
    (s) => s.bind_password !== undefined || s.secret !== undefined || s.client_secret !== undefined,
  );
  return (
    inlineSourceSecret ||
    (c.users ?? []).some((u) => u.password !== undefined) ||
    (c.services ?? []).length > 0 ||
    (c.robots ?? []).length > 0 ||
    (c.database !== undefined && /:\/\/[^/@]*:[^/@]*@/.test(c.database))
  );
}

function readableByOthers(file: string): boolean {
  try {
    return (fs.statSync(file).mode & 0o044) !== 0;
  } catch {
    return false;
  }
}
