/**
 * The layers of src/, as docs/architecture.md draws them: every relative import of every
 * src/**\/*.ts and *.cts file (tests left out: they may reach anywhere to build what they need)
 * goes to the same layer or a lower one, and the folders' graph has no cycle. The table is
 * read from the document, so the rule and its description cannot drift; a src/ folder the
 * table does not place, or the README's Layout does not name, fails the test too.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SRC = path.join(ROOT, 'src');

/** Folder of src/ → layer number (1 = bottom), from the table between the layer markers. */
export function readLayers(markdown: string): Map<string, number> {
  const start = markdown.indexOf('<!-- layers -->');
  const end = markdown.indexOf('<!-- /layers -->');
  assert.ok(start >= 0 && end > start, 'docs/architecture.md has no <!-- layers --> table');
  const layers = new Map<string, number>();
  for (const line of markdown.slice(start, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const layer = Number(cells[1]);
    if (!Number.isInteger(layer) || layer < 1) continue;
    for (const folder of (cells[2] ?? '').matchAll(/`([a-z-]+)\/`/g)) layers.set(folder[1]!, layer);
  }
  return layers;
}

interface Edge {
  readonly file: string;
  readonly target: string;
}

/** Every relative import (`import … from`, `export … from`, `import()`, `require()`) of src/. */
export function importEdges(dir: string = SRC): Edge[] {
  const edges: Edge[] = [];
  for (const file of sourceFiles(dir)) {
    const code = fs
      .readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '');
    for (const match of code.matchAll(
      /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g,
    ))
      edges.push({ file, target: path.resolve(path.dirname(file), match[1]!) });
  }
  return edges;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(file);
    return /\.c?ts$/.test(entry.name) && !/\.test(-support)?\.ts$/.test(entry.name) ? [file] : [];
  });
}

/** The top folder of src/ a path is in (`app`, `store`, ...), or undefined outside src/. */
function folderOf(file: string): string | undefined {
  const relative = path.relative(SRC, file);
  if (relative.startsWith('..') || !relative.includes(path.sep)) return undefined;
  return relative.split(path.sep)[0];
}

const layers = readLayers(fs.readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8'));
const edges = importEdges();

test('every folder of src/ has a layer in docs/architecture.md', () => {
  const folders = fs
    .readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  assert.deepEqual(
    folders.filter((f) => !layers.has(f)),
    [],
    'place these folders in the layer table of docs/architecture.md',
  );
});

test("the README's Layout names every folder of src/", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const layout = readme.slice(readme.indexOf('## Layout'));
  const missing = fs
    .readdirSync(SRC, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !layout.includes(`\`src/${e.name}\``))
    .map((e) => e.name);
  assert.deepEqual(missing, [], 'describe these folders in the Layout section of README.md');
});

test('no folder imports a folder of a higher layer', () => {
  const upward: string[] = [];
  for (const { file, target } of edges) {
    const from = folderOf(file);
    const to = folderOf(target);
    if (!from || !to || from === to) continue;
    if ((layers.get(to) ?? 0) > (layers.get(from) ?? 0))
      upward.push(
        `${path.relative(ROOT, file)} → ${path.relative(ROOT, target)} (layer ${layers.get(from)} → ${layers.get(to)})`,
      );
  }
  assert.deepEqual(upward, []);
});

test('folders import each other without a cycle', () => {
  const graph = new Map<string, Set<string>>();
  for (const { file, target } of edges) {
    const from = folderOf(file);
    const to = folderOf(target);
    if (!from || !to || from === to) continue;
    if (!graph.has(from)) graph.set(from, new Set());
    graph.get(from)!.add(to);
  }
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[] = [];
  const visit = (folder: string, trail: string[]) => {
    if (state.get(folder) === 'done') return;
    if (state.get(folder) === 'open') {
      cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(' → '));
      return;
    }
    state.set(folder, 'open');
    for (const next of graph.get(folder) ?? []) visit(next, [...trail, folder]);
    state.set(folder, 'done');
  };
  for (const folder of graph.keys()) visit(folder, []);
  assert.deepEqual(cycles, []);
});

test('the import reader sees every form of import', () => {
  const dir = fs.mkdtempSync(path.join(fs.mkdtempSync(path.join(ROOT, '.layers-')), 'x-'));
  try {
    fs.writeFileSync(
      path.join(dir, 'sample.cts'),
      [
        "import type { A } from './a.ts';",
        "export { B } from '../b.ts';",
        "import fs = require('./c.cts');",
        "const d = await import('./d.ts');",
        "import './e.ts';",
        "// import { Z } from './commented.ts';",
        "import { x } from 'node:fs';",
      ].join('\n'),
    );
    const targets = importEdges(dir).map((e) => path.basename(e.target));
    assert.deepEqual(targets.sort(), ['a.ts', 'b.ts', 'c.cts', 'd.ts', 'e.ts']);
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});
