/**
 * Test helper: pushes a small, unique OCI image straight over the registry API with Purser's own
 * RegistryClient (no skopeo needed), so catalog tests can create thousands of tags quickly.
 */
import crypto from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { RegistryClient } from '../../src/registry-client/registry-client.ts';

export interface PushedImage {
  readonly digest: string;
  readonly configDigest: string;
  readonly layerDigest: string;
}

export async function pushImage(
  client: RegistryClient,
  repository: string,
  tags: readonly string[],
  text: string,
): Promise<PushedImage> {
  const layer = gzipSync(Buffer.from(text, 'utf8'));
  const layerDigest = sha256(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: [sha256(Buffer.from(text, 'utf8'))] },
    }),
  );
  const configDigest = sha256(config);
  await client.pushBlob(repository, layerDigest, layer);
  await client.pushBlob(repository, configDigest, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: config.length,
      },
      layers: [
        { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length },
      ],
    }),
  );
  let digest = sha256(manifest);
  for (const tag of tags) {
    digest =
      (await client.putManifest(repository, tag, 'application/vnd.oci.image.manifest.v1+json', manifest)) ||
      digest;
  }
  return { digest, configDigest, layerDigest };
}

function sha256(content: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(content).digest('hex')}`;
}
