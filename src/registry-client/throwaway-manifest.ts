/**
 * A tiny, unique OCI image used to delete one tag without touching the others. Distribution
 * deletes manifests by digest, which removes every tag that shares the digest; so careful tools
 * (regclient's `tag delete`, for one) first point the tag at a manifest nobody else uses and then
 * delete that manifest. The nonce makes each throwaway's digest unique.
 */
import crypto from 'node:crypto';

export const OCI_MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG_TYPE = 'application/vnd.oci.image.config.v1+json';

export interface ThrowawayImage {
  readonly config: Buffer;
  readonly configDigest: string;
  readonly manifest: Buffer;
  readonly manifestDigest: string;
}

export function throwawayImage(reason: string): ThrowawayImage {
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'none',
      os: 'none',
      rootfs: { type: 'layers', diff_ids: [] },
      config: {
        Labels: {
          'org.purser.throwaway': reason,
          'org.purser.nonce': crypto.randomBytes(16).toString('hex'),
        },
      },
    }),
  );
  const configDigest = sha256(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_TYPE,
      config: { mediaType: OCI_CONFIG_TYPE, digest: configDigest, size: config.length },
      layers: [],
      annotations: { 'org.purser.throwaway': reason },
    }),
  );
  return { config, configDigest, manifest, manifestDigest: sha256(manifest) };
}

function sha256(content: Buffer): string {
  return `sha256:${crypto.createHash('sha256').update(content).digest('hex')}`;
}
