/** The committed config.schema.json and docs/config.md are what the schema renders. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Value } from '@sinclair/typebox/value';
import { renderConfigMarkdown, renderConfigSchemaJson } from './config-docs.ts';
import { WrittenConfigSchema } from './schema.ts';
import { schemaKeys } from './schema-walk.ts';
import { CONFIG_WARNINGS } from './warnings.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const committed = (file: string) => readFileSync(`${root}${file}`, 'utf8');
const HOW = 'run `npm run gen:config` and commit the result';

describe('generated configuration docs', () => {
  test(`config.schema.json is generated from src/config/schema.ts (${HOW})`, () => {
    assert.equal(committed('config.schema.json'), renderConfigSchemaJson());
  });

  test(`docs/config.md is generated from src/config/schema.ts (${HOW})`, () => {
    assert.equal(committed('docs/config.md'), renderConfigMarkdown());
  });

  test('every key has a description and appears in docs/config.md, as does every warning code', () => {
    const doc = renderConfigMarkdown();
    for (const key of schemaKeys(WrittenConfigSchema)) {
      assert.ok(key.schema.description, `${key.path} has no description`);
      assert.ok(doc.includes(`| \`${key.path}\` |`), `${key.path} is missing from docs/config.md`);
    }
    for (const code of Object.keys(CONFIG_WARNINGS)) assert.ok(doc.includes(`| \`${code}\` |`), code);
  });

  test('the JSON Schema accepts the defaults and refuses unknown keys', () => {
    const schema = JSON.parse(renderConfigSchemaJson()) as {
      additionalProperties: boolean;
      properties: object;
    };
    assert.equal(schema.additionalProperties, false);
    assert.ok(Value.Check(WrittenConfigSchema, Value.Default(WrittenConfigSchema, {})));
    assert.deepEqual(Object.keys(schema.properties), Object.keys(WrittenConfigSchema.properties));
  });
});
