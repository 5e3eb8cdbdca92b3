import assert from 'node:assert/strict';
import { test } from 'node:test';
import { imageSize } from './manifest-sizes.ts';

test('an image manifest measures its config plus its layers', () => {
  const manifest = {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:c', size: 1469 },
    layers: [
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:a', size: 2_811_478 },
      { mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: 'sha256:b', size: 120 },
    ],
  };
  assert.equal(imageSize(Buffer.from(JSON.stringify(manifest))), 1469 + 2_811_478 + 120);
  assert.equal(imageSize(JSON.stringify({ ...manifest, layers: [] })), 1469);
});

test('an index, a manifest without sizes and bad JSON have no size', () => {
  assert.equal(
    imageSize(JSON.stringify({ schemaVersion: 2, manifests: [{ digest: 'sha256:a', size: 5 }] })),
    null,
  );
  assert.equal(imageSize(JSON.stringify({ config: { size: 3 }, layers: [{ digest: 'sha256:a' }] })), null);
  assert.equal(imageSize(JSON.stringify({ schemaVersion: 1, fsLayers: [] })), null);
  assert.equal(imageSize('not json'), null);
  assert.equal(imageSize('null'), null);
});
