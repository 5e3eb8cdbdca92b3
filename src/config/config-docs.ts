/**
 * The generated views of the configuration schema: `config.schema.json` (JSON Schema, for
 * editors and linters) and `docs/config.md` (every key, its type, default and meaning, and the
 * warning codes). `npm run gen:config` writes them; config-docs.test.ts fails when the committed
 * files differ from what this renders.
 */
import type { TSchema } from '@sinclair/typebox';
import { AccessRuleSchema } from '../policy/rule-schema.ts';
import { WrittenConfigSchema } from './schema.ts';
import { schemaKeys, typeName } from './schema-walk.ts';
import { CONFIG_WARNINGS } from './warnings.ts';

/** Keywords of ours (load.ts and the docs read them), not JSON Schema's. */
const OWN_KEYWORDS = new Set(['hint', 'unit', 'env', 'defaultText']);

function plain(schema: TSchema): unknown {
  // JSON.stringify drops TypeBox's symbol keys; ours are dropped here.
  return JSON.parse(JSON.stringify(schema), (key, value) => (OWN_KEYWORDS.has(key) ? undefined : value));
}

export function renderConfigSchemaJson(): string {
  const schema = plain(WrittenConfigSchema) as { properties: { rules: { items: unknown } } };
  // Rules are checked by the policy module (better messages); their shape is documented here.
  schema.properties.rules.items = plain(AccessRuleSchema);
  return `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }, null, 2)}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function typeOf(schema: TSchema): string {
  const parts = [typeName(schema)];
  const unit = schema.unit ? ` ${schema.unit as string}` : '';
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    parts.push(`${schema.minimum}–${schema.maximum}${unit}`);
  else if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}${unit}`);
  else if (unit) parts.push(unit.trim());
  if (schema.minItems !== undefined) parts.push(`at least ${schema.minItems}`);
  return parts.length === 1 ? parts[0]! : `${parts[0]} (${parts.slice(1).join(', ')})`;
}

function defaultOf(schema: TSchema, required: boolean): string {
  const env = schema.env ? `${schema.env as string}, else ` : '';
  if (schema.defaultText) return `\`${schema.defaultText as string}\``;
  if (schema.default !== undefined && typeof schema.default !== 'object')
    return `${env}\`${String(schema.default)}\``;
  return required ? 'required' : env ? env.replace(/, else $/, '') : '';
}

function rows(schema: TSchema, prefix = ''): string[] {
  const lines: string[] = [];
  for (const key of schemaKeys(schema)) {
    const description = (key.schema.description as string | undefined) ?? '';
    lines.push(
      `| \`${prefix}${key.path}\` | ${cell(typeOf(key.schema))} | ${cell(defaultOf(key.schema, key.required))} | ${cell(description)} |`,
    );
  }
  return lines;
}

export function renderConfigMarkdown(): string {
  const header = ['| key | type | default | description |', '|---|---|---|---|'];
  const warnings = Object.entries(CONFIG_WARNINGS).map(([code, text]) => `| \`${code}\` | ${cell(text)} |`);
  return `${[
    '# Configuration',
    '',
    '<!-- Generated from src/config/schema.ts by `npm run gen:config`; a test fails when it drifts. -->',
    '',
    '`purser serve --config purser.yaml` (or `PURSER_CONFIG`) reads one YAML file; every CLI command',
    'in embedded mode reads the same file. It is validated once, at start: unknown keys and bad values',
    'are all reported together as `key: problem` lines (the key, the value given and what is',
    'expected), and Purser exits with code 2 without starting. A key with an environment variable',
    'in its default column takes that variable when the file does not give it. The objects the file',
    'declares (groups, users, apps, services, robots, registries, rules) are created or updated at',
    'start; objects created through the API or CLI persist as well.',
    '',
    'The JSON Schema of the file is [`config.schema.json`](../config.schema.json); point an editor at',
    'it with `# yaml-language-server: $schema=…/config.schema.json` on the first line.',
    '',
    '## Keys',
    '',
    ...header,
    ...rows(WrittenConfigSchema),
    '',
    '## Rules',
    '',
    'Each element of `rules` is one custom rule (read in order before the access model; for each',
    'action the first matching rule that lists it decides). See `purser rules --help`.',
    '',
    ...header,
    ...rows(AccessRuleSchema, 'rules[].'),
    '',
    '## Warnings',
    '',
    'A valid configuration can still be unsafe. `purser serve` prints each such setting on',
    'standard error as `purser: warning CODE (key): what to do`, and starts. The codes are stable.',
    '',
    '| code | meaning |',
    '|---|---|',
    ...warnings,
  ].join('\n')}\n`;
}
