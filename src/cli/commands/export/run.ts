/** `purser export`: reads (and audits) the secrets, renders the format, writes it out. */
import fs from 'node:fs';
import path from 'node:path';
import { openLocalVault } from '../../../app/local-vault.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { parseRegistryAddress } from '../../../domain/registry-address.ts';
import { writeFileAtomic } from '../../../formats/atomic-file.ts';
import type { ExportCredential } from '../../../formats/registry.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import { EXPORT_FORMATS } from './index.ts';

type Options = Record<string, unknown>;

export async function exportCredentials(format: string, options: Options): Promise<void> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format))
    throw new BadRequest(`unknown format "${format}": use one of ${EXPORT_FORMATS.join(', ')}`);
  const env = parseEnvironmentName(options.env as string | undefined);
  const registries = (options.registry as string[] | undefined)?.map(parseRegistryAddress);
  const out = options.out as string | undefined;
  const helper = options.helper === true;
  if (helper && format !== 'docker-config' && format !== 'podman-auth')
    throw new BadRequest('--helper applies to docker-config and podman-auth only');
  const local = await openLocalVault({
    config: options.config as string | undefined,
    server: options.server,
  });
  try {
    let credentials: ExportCredential[];
    if (helper) {
      // Helper mode writes no secret: only the addresses are needed.
      const settings = await local.vault.settings(env);
      const records = (await local.vault.list(env)).filter(
        (r) =>
          r.state === 'active' && (settings.allowlist === null || settings.allowlist.includes(r.address)),
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
      process.stderr.write(`purser: warning: environment ${env} has no active credential to export\n`);
    await render(format, credentials, options, out);
  } finally {
    await local.close();
  }
}

async function render(
  format: string,
  credentials: readonly ExportCredential[],
  options: Options,
  out: string | undefined,
): Promise<void> {
  const helper = options.helper === true;
  switch (format) {
    case 'docker-config':
    case 'podman-auth': {
      const dc = await import('../../../formats/docker-config.ts');
      const pa = await import('../../../formats/podman-auth.ts');
      const podman = format === 'podman-auth';
      const keyOf = podman ? (address: string) => address : undefined;
      if (out) {
        dc.mergeDockerConfigFile(out, credentials, {
          ...(helper ? { helper: dc.PURSER_HELPER } : {}),
          ...(keyOf ? { keyOf } : {}),
        });
        return done(
          `${helper ? 'helper entries' : 'credentials'} for ${credentials.length} registr${credentials.length === 1 ? 'y' : 'ies'} merged into ${out}`,
        );
      }
      const addresses = credentials.map((c) => c.address);
      const config = podman
        ? helper
          ? pa.buildPodmanHelperAuth(addresses)
          : pa.buildPodmanAuth(credentials)
        : helper
          ? dc.buildDockerHelperConfig(addresses)
          : dc.buildDockerConfig(credentials);
      return emit(podman ? pa.renderPodmanAuth(config) : `${dc.renderDockerConfig(config)}\n`, undefined);
    }
    case 'k8s-secret': {
      const k = await import('../../../formats/k8s-secret.ts');
      const secret = k.buildK8sSecret(credentials, {
        name: String(options.name),
        namespace: options.namespace as string | undefined,
        legacy: options.legacy === true,
      });
      if (options.output !== 'json' && options.output !== 'yaml')
        throw new BadRequest('--output must be yaml or json');
      return emit(
        options.output === 'json' ? k.renderK8sSecretJson(secret) : k.renderK8sSecretYaml(secret),
        out,
      );
    }
    case 'rkt': {
      const { buildRktFiles } = await import('../../../formats/rkt.ts');
      const files = buildRktFiles(credentials, { dockerAuth: options.dockerAuth === true });
      if (!out) {
        if (files.length > 1)
          throw new BadRequest('rkt writes one file per registry: give --out DIR (e.g. /etc/rkt/auth.d)');
        return emit(files[0]?.content ?? '', undefined);
      }
      fs.mkdirSync(out, { recursive: true, mode: 0o700 });
      for (const f of files) writeFileAtomic(path.join(out, f.name), f.content, { defaultMode: 0o600 });
      return done(`wrote ${files.map((f) => path.join(out, f.name)).join(', ')}`);
    }
    case 'mesos': {
      const { buildMesosArchive } = await import('../../../formats/mesos.ts');
      const archive = buildMesosArchive(credentials);
      if (!out) {
        if (process.stdout.isTTY)
          throw new BadRequest('mesos writes a gzip archive: give --out FILE (e.g. /etc/docker.tar.gz)');
        process.stdout.write(archive);
        return;
      }
      writeFileAtomic(out, archive, { defaultMode: 0o600 });
      return done(`wrote ${out}; reference it as "uris": ["file://${path.resolve(out)}"]`);
    }
    case 'butane': {
      const { buildButane } = await import('../../../formats/butane.ts');
      const modeText = String(options.mode ?? '0644');
      if (!/^0?[0-7]{3}$/.test(modeText))
        throw new BadRequest(`--mode must be octal like 0644 (got "${modeText}")`);
      const source = options.source as string | undefined;
      const contentOut = options.contentOut as string | undefined;
      if (source && !contentOut)
        throw new BadRequest('--source needs --content-out FILE: the config.json to publish at that URL');
      const result = buildButane(credentials, {
        variant: String(options.variant),
        path: String(options.path),
        mode: Number.parseInt(modeText, 8),
        ...(source ? { source } : {}),
      });
      if (source && contentOut) {
        writeFileAtomic(contentOut, result.content, { defaultMode: 0o600 });
        process.stderr.write(`purser: publish ${contentOut} at ${source} (${result.hash.slice(0, 20)}…)\n`);
      }
      return emit(result.config, out);
    }
    case 'gantry': {
      const { buildGantryConfigs } = await import('../../../formats/gantry.ts');
      return emit(buildGantryConfigs(credentials, { configuration: String(options.configuration) }), out);
    }
    case 'rke2': {
      const { renderRke2Registries } = await import('../../../formats/rke2.ts');
      return emit(renderRke2Registries(credentials), out);
    }
  }
}

function emit(text: string, out: string | undefined): void {
  if (out) {
    writeFileAtomic(out, text, { defaultMode: 0o600 });
    done(`wrote ${out}`);
  } else {
    process.stdout.write(text);
  }
}

function done(message: string): void {
  process.stderr.write(`purser: ${message}\n`);
}
