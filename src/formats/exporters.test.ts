/** The exporter registry: every format is listed once, builds what it says it writes, and is found by name. */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { BadRequest } from '../domain/errors.ts';
import { EXPORT_DEFAULTS, EXPORT_FORMATS, EXPORTERS, exporterFor, formatsReading } from './exporters.ts';
import type { ExportCredential } from './registry.ts';

const credentials: ExportCredential[] = [
  { address: 'registry.example.com:5000', username: 'ci', secret: 's3cret', kind: 'basic' },
];

describe('export format registry', () => {
  test('names are unique and every exporter reads only known settings', () => {
    assert.equal(new Set(EXPORT_FORMATS).size, EXPORTERS.length);
    for (const exporter of EXPORTERS)
      for (const setting of exporter.settings)
        assert.ok(setting in EXPORT_DEFAULTS, `${exporter.name}: ${setting}`);
  });

  test('each exporter builds the kind of artifact it declares, holding the credential', async () => {
    for (const exporter of EXPORTERS) {
      const { artifact } = await exporter.build(credentials, EXPORT_DEFAULTS);
      assert.equal(artifact.kind, exporter.writes, exporter.name);
      const content =
        artifact.kind === 'document'
          ? artifact.text
          : artifact.kind === 'files'
            ? artifact.files.map((f) => f.content).join('')
            : 'archive';
      if (artifact.kind !== 'archive')
        assert.match(content, /registry\.example\.com|\.dockerconfigjson/, exporter.name);
      else assert.deepEqual([...artifact.bytes.subarray(0, 2)], [0x1f, 0x8b], 'gzip');
    }
  });

  test('settings change the output: k8s JSON encoding, helper entries, butane source', async () => {
    const k8s = await exporterFor('k8s-secret').build(credentials, { ...EXPORT_DEFAULTS, encoding: 'json' });
    assert.equal(k8s.artifact.kind === 'document' && JSON.parse(k8s.artifact.text).kind, 'Secret');
    const helper = await exporterFor('docker-config').build(credentials, {
      ...EXPORT_DEFAULTS,
      helper: true,
    });
    assert.deepEqual(helper.artifact.kind === 'document' && JSON.parse(helper.artifact.text).credHelpers, {
      'registry.example.com:5000': 'purser',
    });
    const butane = await exporterFor('butane').build(credentials, {
      ...EXPORT_DEFAULTS,
      source: 'https://example.com/config.json',
    });
    assert.match(butane.published?.hash ?? '', /^sha512-[0-9a-f]{128}$/);
  });

  test('docker-config and podman-auth merge into an existing file', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'purser-exporters-')), 'config.json');
    fs.writeFileSync(file, '{"proxies":{"default":{}}}');
    try {
      await exporterFor('podman-auth').merge!(file, credentials, EXPORT_DEFAULTS);
      const merged = JSON.parse(fs.readFileSync(file, 'utf8'));
      assert.deepEqual(Object.keys(merged.auths), ['registry.example.com:5000']);
      assert.deepEqual(merged.proxies, { default: {} });
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
    assert.deepEqual(
      EXPORTERS.filter((e) => e.merge).map((e) => e.name),
      formatsReading('helper'),
    );
  });

  test('an unknown name lists the formats', () => {
    assert.throws(
      () => exporterFor('dockercfg'),
      (error: unknown) => error instanceof BadRequest && error.message.includes(EXPORT_FORMATS.join(', ')),
    );
  });
});
