/**
 * Writes config.schema.json and docs/config.md from src/config/schema.ts.
 * Usage: npm run gen:config   (src/config/config-docs.test.ts fails until they are regenerated)
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderConfigMarkdown, renderConfigSchemaJson } from '../src/config/config-docs.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const [file, content] of [
  ['config.schema.json', renderConfigSchemaJson()],
  ['docs/config.md', renderConfigMarkdown()],
] as const) {
  writeFileSync(`${root}${file}`, content);
  console.log(`gen-config: wrote ${file}`);
}
