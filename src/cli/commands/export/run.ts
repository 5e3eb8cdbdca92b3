/** `purser export`: reads (and audits) the secrets, builds the format, writes it out. */
import fs from 'node:fs';
import path from 'node:path';
import { openLocalVault } from '../../../app/local-vault.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { parseRegistryAddress } from '../../../domain/registry-address.ts';
import { writeFileAtomic } from '../../../formats/atomic-file.ts';
import {
  EXPORT_DEFAULTS,
  type Exporter,
  type ExportOutput,
  type ExportSettings,
  exporterFor,
  formatsReading,
} from '../../../formats/exporters.ts';
import type { ExportCredential } from '../../../formats/registry.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import type { GlobalOptions } from '../../options.ts';
import { type Block, bytes, type CommandResult, note, warning } from '../../output.ts';

export interface ExportOptions extends GlobalOptions {
  readonly env?: string;
  readonly registry?: string[];
  readonly out?: string;
  readonly helper?: boolean;
  readonly name: string;
  readonly namespace?: string;
  readonly legacy?: boolean;
  /** k8s-secret: yaml | json (the Secret's encoding). */
  readonly output: string;
  readonly dockerAuth?: boolean;
  readonly variant: string;
  readonly path: string;
  readonly mode: string;
  readonly source?: string;
  readonly contentOut?: string;
  readonly configuration: string;
}

export async function exportCredentials(format: string, options: ExportOptions): Promise<CommandResult> {
  const exporter = exporterFor(format);
  const settings = settingsOf(exporter, options);
  const env = parseEnvironmentName(options.env);
  const registries = options.registry?.map(parseRegistryAddress);
  const out = options.out;
  // Refused before any secret is read (and audited as read).
  if (exporter.writes === 'archive' && !out && process.stdout.isTTY)
    throw new BadRequest(`${exporter.name} writes a gzip archive: give --out FILE (e.g. /etc/docker.tar.gz)`);
  if (settings.source && !options.contentOut)
    throw new BadRequest('--source needs --content-out FILE: the config.json to publish at that URL');
  const local = await openLocalVault({ config: options.config, server: options.server });
  const blocks: Block[] = [];
  try {
    let credentials: ExportCredential[];
    if (settings.helper) {
      // Helper mode writes no secret: only the addresses are needed.
      const allowed = await local.vault.settings(env);
      const records = (await local.vault.list(env)).filter(
        (r) => r.state === 'active' && (allowed.allowlist === null || allowed.allowlist.includes(r.address)),
      );
      const wanted = registries ?? records.map((r) => r.address);
      credentials = wanted.map((address) => ({ address, username: '', secret: '', kind: 'basic' }));
    } else {
      credentials = await local.vault.revealForExport(
        env,
        registries,
        localActor('export'),
        `export:${format}`,
      );
    }
    if (credentials.length === 0)
      blocks.push(warning(`environment ${env} has no active credential to export`));
    if (out && exporter.merge) {
      await exporter.merge(out, credentials, settings);
      const what = settings.helper ? 'helper entries' : 'credentials';
      const count = `${credentials.length} registr${credentials.length === 1 ? 'y' : 'ies'}`;
      return { blocks: [...blocks, done(`${what} for ${count} merged into ${out}`)] };
    }
    return {
      blocks: [...blocks, ...write(exporter, await exporter.build(credentials, settings), out, options)],
    };
  } finally {
    await local.close();
  }
}

function settingsOf(exporter: Exporter, options: ExportOptions): ExportSettings {
  if (options.helper && !exporter.settings.includes('helper'))
    throw new BadRequest(`--helper applies to ${formatsReading('helper').join(' and ')} only`);
  if (exporter.settings.includes('encoding') && options.output !== 'json' && options.output !== 'yaml')
    throw new BadRequest('--output must be yaml or json');
  let mode = EXPORT_DEFAULTS.mode;
  if (exporter.settings.includes('mode')) {
    if (!/^0?[0-7]{3}$/.test(options.mode))
      throw new BadRequest(`--mode must be octal like 0644 (got "${options.mode}")`);
    mode = Number.parseInt(options.mode, 8);
  }
  return {
    helper: options.helper === true,
    name: options.name,
    namespace: options.namespace,
    legacy: options.legacy === true,
    encoding: options.output === 'json' ? 'json' : 'yaml',
    dockerAuth: options.dockerAuth === true,
    variant: options.variant,
    path: options.path,
    mode,
    source: exporter.settings.includes('source') ? options.source : undefined,
    configuration: options.configuration,
  };
}

function write(
  exporter: Exporter,
  output: ExportOutput,
  out: string | undefined,
  options: ExportOptions,
): Block[] {
  const blocks: Block[] = [];
  if (output.published && options.contentOut) {
    writeFileAtomic(options.contentOut, output.published.content, { defaultMode: 0o600 });
    blocks.push(
      done(`publish ${options.contentOut} at ${options.source} (${output.published.hash.slice(0, 20)}…)`),
    );
  }
  const artifact = output.artifact;
  if (artifact.kind === 'files') {
    if (!out) {
      if (artifact.files.length > 1)
        throw new BadRequest(
          `${exporter.name} writes one file per registry: give --out DIR (e.g. /etc/rkt/auth.d)`,
        );
      return [...blocks, raw(artifact.files[0]?.content ?? '')];
    }
    fs.mkdirSync(out, { recursive: true, mode: 0o700 });
    for (const f of artifact.files)
      writeFileAtomic(path.join(out, f.name), f.content, { defaultMode: 0o600 });
    return [...blocks, done(`wrote ${artifact.files.map((f) => path.join(out, f.name)).join(', ')}`)];
  }
  const content = artifact.kind === 'archive' ? artifact.bytes : artifact.text;
  if (!out) return [...blocks, artifact.kind === 'archive' ? bytes(artifact.bytes) : raw(artifact.text)];
  writeFileAtomic(out, content, { defaultMode: 0o600 });
  const hint = artifact.kind === 'archive' ? `; reference it as "uris": ["file://${path.resolve(out)}"]` : '';
  return [...blocks, done(`wrote ${out}${hint}`)];
}

/** A document exactly as built (no newline added). */
const raw = (value: string): Block => bytes(Buffer.from(value, 'utf8'));
const done = (message: string): Block => note(`purser: ${message}`);
