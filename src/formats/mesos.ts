/**
 * The Mesos / Marathon docker config archive (marathon docs/native-docker-private-registry.md):
 * a gzip tar whose entries are `.docker/` (0700) and `.docker/config.json` (0600), owned by
 * root, as `cd ~ && tar czf docker.tar.gz .docker` makes it. Fetched with
 * `"uris": ["file:///etc/docker.tar.gz"]`; the fetcher extracts it into the sandbox ($HOME).
 * The config holds plain `auths` (no helper exists on the agents).
 */
import zlib from 'node:zlib';
import { buildDockerConfig, renderDockerConfig } from './docker-config.ts';
import type { ExportCredential } from './registry.ts';
import { buildTar } from './tar-archive.ts';

export function buildMesosArchive(
  credentials: readonly ExportCredential[],
  now: number = Date.now(),
): Buffer {
  const config = Buffer.from(renderDockerConfig(buildDockerConfig(credentials)), 'utf8');
  const tar = buildTar([
    { path: '.docker/', type: 'directory', mode: 0o700, mtime: now },
    { path: '.docker/config.json', type: 'file', mode: 0o600, content: config, mtime: now },
  ]);
  return zlib.gzipSync(tar, { level: 9 });
}
