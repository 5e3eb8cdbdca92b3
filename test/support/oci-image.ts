/**
 * Deterministic single-layer OCI image layouts built in pure Node (no network, no daemon), for
 * `skopeo copy oci:DIR:TAG docker://…`, podman and containerd tests. The same (tag, text) always
 * gives the same digests on a machine; a different text gives different digests.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
const REF_NAME = 'org.opencontainers.image.ref.name';

export interface OciImage {
  /** `oci:DIR:TAG`, the transport reference skopeo understands. */
  ref: string;
  manifestDigest: string;
  manifestSize: number;
  configDigest: string;
  layerDigest: string;
  /** sha256 of the uncompressed layer tar (the config's rootfs.diff_ids entry). */
  diffId: string;
}

export interface OciImageOptions {
  /** Name of the single file in the layer. Default `purser-test.txt`. */
  fileName?: string;
}

/**
 * Writes (or adds a tag to) an OCI image layout in `dir`. The layer holds one file whose content
 * is `text`. Other tags already in the layout's index.json are kept; the same tag is replaced.
 */
export async function makeOciImage(
  dir: string,
  tag: string,
  text: string,
  options: OciImageOptions = {},
): Promise<OciImage> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag)) throw new TypeError(`invalid tag: ${tag}`);
  const fileName = options.fileName ?? 'purser-test.txt';
  const blobs = join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });

  const tar = oneFileTar(fileName, Buffer.from(text, 'utf8'));
  const layer = deterministicGzip(tar);
  const diffId = sha256(tar);
  const layerDigest = writeBlob(blobs, layer);

  const config = Buffer.from(
    JSON.stringify({
      created: '1970-01-01T00:00:00Z',
      architecture: goArch(),
      os: 'linux',
      config: { Cmd: ['/bin/true'], Labels: { 'org.opencontainers.image.title': 'purser-test' } },
      rootfs: { type: 'layers', diff_ids: [diffId] },
      history: [{ created: '1970-01-01T00:00:00Z', created_by: `purser test image ${tag}` }],
    }),
  );
  const configDigest = writeBlob(blobs, config);

  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER_GZIP, digest: layerDigest, size: layer.length }],
    }),
  );
  const manifestDigest = writeBlob(blobs, manifest);

  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  const indexFile = join(dir, 'index.json');
  const others = existsSync(indexFile) ? readIndexEntries(indexFile).filter((m) => refName(m) !== tag) : [];
  const index = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      ...others,
      {
        mediaType: OCI_MANIFEST,
        digest: manifestDigest,
        size: manifest.length,
        annotations: { [REF_NAME]: tag },
      },
    ],
  };
  writeFileSync(indexFile, JSON.stringify(index));

  return {
    ref: `oci:${dir}:${tag}`,
    manifestDigest,
    manifestSize: manifest.length,
    configDigest,
    layerDigest,
    diffId,
  };
}

/** A POSIX ustar archive with one regular file (root-owned, mode 0644, mtime 0). */
function oneFileTar(name: string, content: Buffer): Buffer {
  if (Buffer.byteLength(name) > 100) throw new TypeError('file name longer than 100 bytes');
  const header = Buffer.alloc(512, 0);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 8, 'ascii'); // mode
  header.write('0000000\0', 108, 8, 'ascii'); // uid
  header.write('0000000\0', 116, 8, 'ascii'); // gid
  header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124, 12, 'ascii'); // size
  header.write('00000000000\0', 136, 12, 'ascii'); // mtime
  header.write('        ', 148, 8, 'ascii'); // checksum placeholder: spaces
  header.write('0', 156, 1, 'ascii'); // typeflag: regular file
  header.write('ustar\0', 257, 6, 'ascii');
  header.write('00', 263, 2, 'ascii');
  header.write('root', 265, 32, 'ascii'); // uname
  header.write('root', 297, 32, 'ascii'); // gname
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}

/** gzip with a fixed header: mtime 0 and OS "unknown", so the bytes depend only on the input. */
function deterministicGzip(data: Buffer): Buffer {
  const gz = gzipSync(data, { level: 6 });
  gz.writeUInt32LE(0, 4);
  gz[9] = 0xff;
  return gz;
}

function writeBlob(blobs: string, data: Buffer): string {
  const digest = sha256(data);
  writeFileSync(join(blobs, digest.slice('sha256:'.length)), data);
  return digest;
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function goArch(): string {
  const map: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm',
    ia32: '386',
    s390x: 's390x',
  };
  return map[process.arch] ?? process.arch;
}

interface IndexEntry {
  annotations?: Record<string, string>;
}

function readIndexEntries(file: string): IndexEntry[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { manifests?: IndexEntry[] };
  return Array.isArray(parsed.manifests) ? parsed.manifests : [];
}

function refName(entry: IndexEntry): string | undefined {
  return entry.annotations?.[REF_NAME];
}
