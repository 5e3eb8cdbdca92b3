/**
 * The console's first load: the gzipped JavaScript and CSS that /console/ makes the browser
 * fetch (the entry script, its module preloads and stylesheets, read from the built index.html).
 * Built from web/ into a temporary directory so that the figure is that of the sources as they
 * are. Target: <= 250 KB; the baseline is that limit.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { round } from '../lib/stats.ts';
import type { Scenario } from '../lib/types.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIMIT_KB = 250;
const TARGET = `first-load JS + CSS <= ${LIMIT_KB} KB gzipped`;

/** The JS and CSS files an index.html loads at once (not lazy chunks). */
export function firstLoadAssets(html: string): string[] {
  const assets = new Set<string>();
  for (const match of html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)) assets.add(match[1]!);
  for (const match of html.matchAll(/<link[^>]*\srel="(?:stylesheet|modulepreload)"[^>]*\shref="([^"]+)"/g))
    assets.add(match[1]!);
  for (const match of html.matchAll(/<link[^>]*\shref="([^"]+)"[^>]*\srel="(?:stylesheet|modulepreload)"/g))
    assets.add(match[1]!);
  return [...assets].filter((a) => /\.(js|css)$/.test(a));
}

export const consoleBundle: Scenario = {
  name: 'console-bundle',
  title: 'web console first load, gzipped JavaScript + CSS',
  target: TARGET,
  async run(options) {
    const out = mkdtempSync(join(tmpdir(), 'purser-console-bundle-'));
    try {
      const vite = join(
        createRequire(join(ROOT, 'package.json')).resolve('vite/package.json'),
        '../bin/vite.js',
      );
      const built = spawnSync(
        process.execPath,
        [
          vite,
          'build',
          '--config',
          'web/vite.config.ts',
          '--outDir',
          out,
          '--emptyOutDir',
          '--logLevel',
          'warn',
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      if (built.status !== 0) throw new Error(`vite build failed: ${built.stderr}`);
      const html = readFileSync(join(out, 'index.html'), 'utf8');
      const sizes: Record<string, number> = {};
      let raw = 0;
      let gzipped = 0;
      for (const asset of firstLoadAssets(html)) {
        const bytes = readFileSync(join(out, asset.replace(/^\/console\//, '')));
        const zipped = gzipSync(bytes, { level: 9 }).length;
        sizes[asset.replace(/^\/console\/assets\//, '')] = round(zipped / 1024);
        raw += bytes.length;
        gzipped += zipped;
      }
      const measured = gzipped / 1024;
      options.log(
        `  ${Object.keys(sizes).length} files, ${round(raw / 1024)} KB raw, ${round(measured)} KB gzipped`,
      );
      return {
        measured,
        baseline: LIMIT_KB,
        baselineKind: 'limit',
        baselineLabel: `the ${LIMIT_KB} KB limit`,
        ratio: measured / LIMIT_KB,
        ratioMeaning: 'measured / limit (at most 1)',
        unit: 'KB',
        target: TARGET,
        met: measured <= LIMIT_KB,
        notes: `gzip -9 of what /console/ loads first; ${round(raw / 1024)} KB before compression`,
        details: { rawKb: round(raw / 1024), ...sizes },
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
