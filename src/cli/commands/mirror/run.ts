/**
 * `purser mirror config`: the mirror's Distribution config (src/registry-config/mirror.ts) with
 * the vault's credential for the upstream and, given the mirror's registry in Purser, Purser's
 * token auth; then the client configurations.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { openLocalVault } from '../../../app/local-vault.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { parseRegistryAddress } from '../../../domain/registry-address.ts';
import { writeFileAtomic } from '../../../formats/atomic-file.ts';
import {
  type MirrorConfigInput,
  type MirrorTokenAuth,
  renderContainerdHostsToml,
  renderDaemonJson,
  renderMirrorConfig,
  renderMirrorDistributionConfig,
  renderRegistriesConf,
} from '../../../registry-config/mirror.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import { callApiText } from '../../api-client.ts';
import type { GlobalOptions } from '../../options.ts';
import { type Block, bytes, type CommandResult, note, warning } from '../../output.ts';

const LISTEN = /^[^\s:/]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;
const FORMATS = ['all', 'distribution', 'daemon-json', 'containerd', 'registries-conf'] as const;

export interface MirrorConfigOptions extends GlobalOptions {
  readonly listen: string;
  readonly env?: string;
  readonly registry?: string;
  readonly rootcertbundle?: string;
  readonly bundleOut?: string;
  readonly remoteUrl?: string;
  readonly publicUrl?: string;
  readonly storage?: string;
  readonly debugListen?: string;
  readonly format: string;
}

export async function mirrorConfig(
  upstreamArg: string,
  options: MirrorConfigOptions,
): Promise<CommandResult> {
  const format = options.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new BadRequest(`--format must be one of ${FORMATS.join(', ')}`);
  if (!LISTEN.test(options.listen))
    throw new BadRequest(`--listen must be HOST:PORT (e.g. 127.0.0.1:5003), got "${options.listen}"`);
  if (options.debugListen !== undefined && !LISTEN.test(options.debugListen))
    throw new BadRequest(
      `--debug-listen must be HOST:PORT (e.g. 127.0.0.1:5004), got "${options.debugListen}"`,
    );
  for (const [flag, value] of [
    ['--remote-url', options.remoteUrl],
    ['--public-url', options.publicUrl],
  ] as const)
    if (value !== undefined && !/^https?:\/\/[^/]+/.test(value))
      throw new BadRequest(`${flag} must be an http(s) URL, got "${value}"`);
  if ((options.rootcertbundle || options.bundleOut) && !options.registry)
    throw new BadRequest('--rootcertbundle and --bundle-out go with --registry SERVICE');
  const upstream = parseRegistryAddress(upstreamArg);
  const environment = parseEnvironmentName(options.env);
  const blocks: Block[] = [];

  const local = await openLocalVault({ config: options.config, server: options.server });
  let credential: MirrorConfigInput['credential'];
  try {
    const found = await local.vault.reveal(environment, upstream, localActor('mirror'), 'mirror');
    credential = { username: found.username, password: found.secret };
    if (found.expiresAt !== undefined)
      blocks.push(
        warning(
          `the ${found.kind} token for ${upstream} expires at ${new Date(found.expiresAt).toISOString()}: the mirror's config.yml must be rewritten before then`,
        ),
      );
  } catch (error) {
    if ((error as { code?: string }).code !== 'NOT_FOUND') throw error;
    blocks.push(
      warning(
        `no credential for ${upstream} in environment ${environment}: the mirror pulls anonymously (purser vault add ${upstream} --env ${environment} …)`,
      ),
    );
  } finally {
    await local.close();
  }

  const tokenAuth = options.registry ? await purserTokenAuth(options.registry, options, blocks) : undefined;
  if (!tokenAuth)
    blocks.push(warning('no --registry: the mirror has no auth, anyone who reaches it pulls through it'));
  const input: MirrorConfigInput = {
    upstream,
    listen: options.listen,
    remoteUrl: options.remoteUrl,
    publicUrl: options.publicUrl,
    credential,
    tokenAuth,
    storageDirectory: options.storage,
    debugListen: options.debugListen,
  };
  const rendered =
    format === 'distribution'
      ? renderMirrorDistributionConfig(input)
      : format === 'daemon-json'
        ? (renderDaemonJson(input) ??
          (() => {
            throw new BadRequest('daemon.json registry-mirrors applies to docker.io only');
          })())
        : format === 'containerd'
          ? renderContainerdHostsToml(input)
          : format === 'registries-conf'
            ? renderRegistriesConf(input)
            : renderMirrorConfig(input);
  return { blocks: [...blocks, bytes(Buffer.from(rendered, 'utf8'))] };
}

/** Purser's token auth for the mirror, from `registry config SERVICE --format distribution`. */
async function purserTokenAuth(
  service: string,
  options: MirrorConfigOptions,
  blocks: Block[],
): Promise<MirrorTokenAuth> {
  const rootcertbundle =
    options.rootcertbundle ??
    (options.bundleOut !== undefined ? path.resolve(options.bundleOut) : '/etc/registry/purser.pem');
  const text = await callApiText(options, {
    method: 'GET',
    path: `/api/v1/registries/${encodeURIComponent(service)}/config`,
    query: { format: 'distribution', rootcertbundle },
    fields: { 'querystring.rootcertbundle': '--rootcertbundle' },
  });
  const token = (YAML.parse(text) as { auth?: { token?: MirrorTokenAuth } }).auth?.token;
  if (!token) throw new BadRequest(`Purser gave no token auth for registry ${service}`);
  if (options.bundleOut !== undefined) {
    const bundle = await callApiText(options, {
      method: 'GET',
      path: `/api/v1/registries/${encodeURIComponent(service)}/config`,
      query: { format: 'bundle' },
    });
    fs.mkdirSync(path.dirname(path.resolve(options.bundleOut)), { recursive: true });
    writeFileAtomic(options.bundleOut, bundle, { defaultMode: 0o644 });
    blocks.push(note(`purser: wrote the certificate bundle to ${options.bundleOut}`));
  }
  return {
    realm: token.realm,
    service: token.service,
    issuer: token.issuer,
    rootcertbundle: token.rootcertbundle,
  };
}
