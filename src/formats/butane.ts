/**
 * A Butane config (Flatcar / Fedora CoreOS; coreos/butane docs/config-*.md) that writes Docker's
 * `config.json` on first boot: `storage.files[]` with `path` (default
 * `/home/core/.docker/config.json`), `mode` (default 0644, written in octal as Butane docs do),
 * `overwrite: true`, and `contents.inline` — or, with a URL, `contents.source` plus
 * `verification.hash: sha512-<hex>` of the config content (which must then be served there).
 */
import crypto from 'node:crypto';
import { BadRequest } from '../domain/errors.ts';
import { buildDockerConfig } from './docker-config.ts';
import type { ExportCredential } from './registry.ts';

export const BUTANE_VARIANTS: Readonly<Record<string, string>> = { flatcar: '1.1.0', fcos: '1.6.0' };
export const BUTANE_DEFAULT_PATH = '/home/core/.docker/config.json';

export interface ButaneOptions {
  readonly variant?: string;
  readonly path?: string;
  /** File mode, e.g. 0o644. */
  readonly mode?: number;
  /** Serve the content from this URL instead of inlining it. */
  readonly source?: string;
}

export interface ButaneOutput {
  /** The Butane YAML. */
  readonly config: string;
  /** The config.json content (inlined, or to publish at `source`). */
  readonly content: string;
  /** `sha512-<hex>` of `content`. */
  readonly hash: string;
}

export function buildButane(
  credentials: readonly ExportCredential[],
  options: ButaneOptions = {},
): ButaneOutput {
  const variant = options.variant ?? 'flatcar';
  const version = BUTANE_VARIANTS[variant];
  if (!version)
    throw new BadRequest(`butane variant must be one of ${Object.keys(BUTANE_VARIANTS).join(', ')}`);
  const path = options.path ?? BUTANE_DEFAULT_PATH;
  if (!path.startsWith('/')) throw new BadRequest(`butane file path must be absolute (got "${path}")`);
  const mode = options.mode ?? 0o644;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o777)
    throw new BadRequest('butane file mode must be between 0000 and 0777 (no setuid, setgid or sticky bits)');
  const content = JSON.stringify(buildDockerConfig(credentials));
  const hash = `sha512-${crypto.createHash('sha512').update(content, 'utf8').digest('hex')}`;
  const lines = [
    `variant: ${variant}`,
    `version: ${version}`,
    'storage:',
    '  files:',
    `    - path: ${JSON.stringify(path)}`,
    '      overwrite: true',
    `      mode: 0${mode.toString(8).padStart(3, '0')}`,
    '      contents:',
  ];
  if (options.source) {
    let url: URL;
    try {
      url = new URL(options.source);
    } catch {
      throw new BadRequest(`--source must be a URL (got "${options.source}")`);
    }
    if (!['http:', 'https:', 'tftp:', 's3:', 'gs:', 'arn:'].includes(url.protocol))
      throw new BadRequest('--source must be an http, https, tftp, s3, gs or arn URL');
    lines.push(
      `        source: ${JSON.stringify(options.source)}`,
      '        verification:',
      `          hash: ${hash}`,
    );
  } else {
    lines.push(`        inline: ${JSON.stringify(content)}`);
  }
  return { config: `${lines.join('\n')}\n`, content, hash };
}
