/**
 * A read-only npm registry on 127.0.0.1 that serves exactly the production packages of
 * package-lock.json, their tarballs read from the local npm cache (`npm ci` put them there). It
 * lets a test run a real `npm install -g ./purser-X.tgz` without the network and with the
 * dependency versions the project is tested with: a global install ignores the lockfile and
 * resolves ranges against packuments, which the cache may hold only in part.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

interface LockEntry {
  name?: string;
  version?: string;
  integrity?: string;
  dev?: boolean;
  link?: boolean;
  [field: string]: unknown;
}

/** Manifest fields npm reads when it builds the tree from a packument. */
const MANIFEST_FIELDS = [
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'peerDependenciesMeta',
  'os',
  'cpu',
  'libc',
  'engines',
  'bin',
  'license',
] as const;

export interface LocalNpmRegistry {
  readonly url: string;
  /** Packages whose tarball is not in the cache (installing them fails). */
  readonly missing: readonly string[];
  close(): Promise<void>;
}

export function npmCacheDir(): string {
  return execFileSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).trim();
}

/** cacache keeps content by its integrity: content-v2/<algo>/<hex 2>/<hex 2>/<rest>. */
function cachedTarball(cache: string, integrity: string): string {
  const [algo, base64] = integrity.split('-', 2) as [string, string];
  const hex = Buffer.from(base64, 'base64').toString('hex');
  return path.join(cache, '_cacache', 'content-v2', algo, hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
}

export async function startLocalNpmRegistry(lockFile: string): Promise<LocalNpmRegistry> {
  const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { packages: Record<string, LockEntry> };
  const cache = npmCacheDir();
  const packuments = new Map<string, { versions: Map<string, LockEntry> }>();
  const tarballs = new Map<string, string>();
  const missing: string[] = [];
  for (const [where, entry] of Object.entries(lock.packages)) {
    if (where === '' || entry.dev || entry.link || !entry.version || !entry.integrity) continue;
    const name = entry.name ?? where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const file = cachedTarball(cache, entry.integrity);
    // Platform packages for other machines are never fetched; the rest must be there.
    if (!fs.existsSync(file) && forThisMachine(entry)) missing.push(`${name}@${entry.version}`);
    const packument = packuments.get(name) ?? { versions: new Map<string, LockEntry>() };
    packuments.set(name, packument);
    packument.versions.set(entry.version, entry);
    tarballs.set(tarballPath(entry.integrity), file);
  }

  let base = '';
  const server = http.createServer((req, res) => {
    const url = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    const tarball = tarballs.get(url);
    if (tarball !== undefined) {
      fs.createReadStream(tarball)
        .on('error', () => {
          res.statusCode = 404;
          res.end();
        })
        .once('open', () => res.writeHead(200, { 'content-type': 'application/octet-stream' }))
        .pipe(res);
      return;
    }
    const name = url.slice(1);
    const packument = packuments.get(name);
    if (!packument) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found"}');
      return;
    }
    const versions: Record<string, unknown> = {};
    let latest = '';
    for (const [version, entry] of packument.versions) {
      const manifest: Record<string, unknown> = { name, version };
      for (const field of MANIFEST_FIELDS) if (entry[field] !== undefined) manifest[field] = entry[field];
      manifest.dist = {
        tarball: `${base}${tarballPath(entry.integrity ?? '')}`,
        integrity: entry.integrity,
      };
      versions[version] = manifest;
      latest = version;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name, 'dist-tags': { latest }, versions }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    missing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One URL per tarball content: npm fetches what the packument's dist.tarball says. */
function tarballPath(integrity: string): string {
  return `/-/tarballs/${Buffer.from(integrity).toString('base64url')}.tgz`;
}

/** npm's os/cpu/libc checks, for this (glibc) machine; a `!name` entry excludes. */
function forThisMachine(entry: LockEntry): boolean {
  const fits = (list: unknown, value: string) =>
    !Array.isArray(list) ||
    list.includes(value) ||
    (list.every((v) => String(v).startsWith('!')) && !list.includes(`!${value}`));
  return fits(entry.os, process.platform) && fits(entry.cpu, process.arch) && fits(entry.libc, 'glibc');
}
