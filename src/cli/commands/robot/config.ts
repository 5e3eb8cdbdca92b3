/**
 * `purser robot config NAME --format docker|podman|k8s-secret|mesos|rkt [--registry SERVICE]`:
 * the robot's credential in a runtime's format (Quay's robot page as a command), built by the
 * export formats (src/formats/exporters.ts) for the registries Purser serves. Purser keeps only
 * a hash of a robot's secret, so the secret is in the output only with `--regenerate` (a new
 * one, replacing the old) or `--secret-stdin` (the one kept from its creation); otherwise the
 * output holds a placeholder and the command says so.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BadRequest } from '../../../domain/errors.ts';
import { parseRegistryAddress } from '../../../domain/registry-address.ts';
import { writeFileAtomic } from '../../../formats/atomic-file.ts';
import { EXPORT_DEFAULTS, exporterFor } from '../../../formats/exporters.ts';
import type { ExportCredential } from '../../../formats/registry.ts';
import { callApi } from '../../api-client.ts';
import type { GlobalOptions } from '../../options.ts';
import { type Block, bytes, type CommandResult, note, warning } from '../../output.ts';
import { readSecretStdin } from '../../secret-input.ts';
import type { RegistryView } from '../../views.ts';

export const ROBOT_FORMATS = {
  docker: 'docker-config',
  podman: 'podman-auth',
  'k8s-secret': 'k8s-secret',
  mesos: 'mesos',
  rkt: 'rkt',
} as const;

/** What the output holds instead of the secret when Purser cannot include it. */
export const SECRET_PLACEHOLDER = 'ROBOT_SECRET_SHOWN_ONLY_AT_CREATION';

export interface RobotConfigOptions extends GlobalOptions {
  readonly format?: string;
  readonly registry?: string[];
  readonly regenerate?: boolean;
  readonly secretStdin?: boolean;
  readonly out?: string;
  readonly namespace?: string;
}

export async function robotConfig(name: string, options: RobotConfigOptions): Promise<CommandResult> {
  const format = options.format;
  if (!format || !(format in ROBOT_FORMATS))
    throw new BadRequest(`--format must be one of ${Object.keys(ROBOT_FORMATS).join(', ')}`);
  if (options.regenerate && options.secretStdin)
    throw new BadRequest('give --regenerate (a new secret) or --secret-stdin (the one you kept), not both');
  const exporter = exporterFor(ROBOT_FORMATS[format as keyof typeof ROBOT_FORMATS]);
  if (exporter.writes === 'archive' && !options.out && process.stdout.isTTY)
    throw new BadRequest(
      `--format ${format} writes a gzip archive: give --out FILE (e.g. /etc/docker.tar.gz)`,
    );
  const addresses = await registryAddresses(options);
  // The robot exists (a typo is an error before anything is regenerated).
  await callApi(options, { method: 'GET', path: `/api/v1/robots/${encodeURIComponent(name)}` });
  let secret: string | undefined;
  if (options.secretStdin) secret = await readSecretStdin();
  else if (options.regenerate)
    secret = (
      await callApi<{ secret: string }>(options, {
        method: 'POST',
        path: `/api/v1/robots/${encodeURIComponent(name)}/regenerate`,
      })
    ).secret;
  const blocks: Block[] = [];
  if (secret === undefined)
    blocks.push(
      warning(
        `Purser shows a robot's secret only when it is created or regenerated, so this output holds ${SECRET_PLACEHOLDER} instead: replace it with the secret you kept, or run again with --secret-stdin (that secret) or --regenerate (a new one; the old one stops working)`,
      ),
    );
  else if (options.regenerate)
    blocks.push(note(`purser: regenerated the secret of ${name}: the old one no longer works`));
  const credentials: ExportCredential[] = addresses.map((address) => ({
    address,
    username: name,
    secret: secret ?? SECRET_PLACEHOLDER,
    kind: 'basic',
  }));
  const output = await exporter.build(credentials, {
    ...EXPORT_DEFAULTS,
    name: secretName(name),
    namespace: options.namespace,
  });
  const artifact = output.artifact;
  if (artifact.kind === 'files') {
    if (!options.out) {
      if (artifact.files.length > 1)
        throw new BadRequest(
          `--format ${format} writes one file per registry: give --out DIR (e.g. /etc/rkt/auth.d)`,
        );
      return { blocks: [...blocks, bytes(Buffer.from(artifact.files[0]?.content ?? '', 'utf8'))] };
    }
    fs.mkdirSync(options.out, { recursive: true, mode: 0o700 });
    for (const f of artifact.files)
      writeFileAtomic(path.join(options.out, f.name), f.content, { defaultMode: 0o600 });
    return {
      blocks: [
        ...blocks,
        note(`purser: wrote ${artifact.files.map((f) => path.join(options.out!, f.name)).join(', ')}`),
      ],
    };
  }
  const content = artifact.kind === 'archive' ? artifact.bytes : Buffer.from(artifact.text, 'utf8');
  if (!options.out) return { blocks: [...blocks, bytes(content)] };
  writeFileAtomic(options.out, content, { defaultMode: 0o600 });
  return { blocks: [...blocks, note(`purser: wrote ${options.out}`)] };
}

/** The hosts of the registries named by --registry SERVICE (default: every registry Purser serves). */
async function registryAddresses(options: RobotConfigOptions): Promise<string[]> {
  const { registries } = await callApi<{ registries: RegistryView[] }>(options, {
    method: 'GET',
    path: '/api/v1/registries',
  });
  const wanted = options.registry && options.registry.length > 0 ? options.registry : undefined;
  if (wanted) {
    const unknown = wanted.filter((s) => !registries.some((r) => r.service === s));
    if (unknown.length > 0)
      throw new BadRequest(
        `--registry ${unknown.join(', ')}: no such registry (known: ${registries.map((r) => r.service).join(', ') || 'none'})`,
      );
  }
  const chosen = registries.filter((r) => !wanted || wanted.includes(r.service));
  if (chosen.length === 0)
    throw new BadRequest('Purser serves no registry yet: add one with purser registry add');
  return chosen.map((r) => parseRegistryAddress(new URL(r.url).host));
}

/** A Kubernetes Secret name from a robot name (`ci+builder` → `ci-builder-pull-secret`, as Quay names it). */
function secretName(robot: string): string {
  const base = robot
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${base.slice(0, 240)}-pull-secret`;
}
