import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { cloudMaterial } from './cloud.ts';

describe('vault add --kind ecr|gcp|acr: the material from the flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'purser-cloud-flags-'));
  const secretFile = join(dir, 'secret');
  writeFileSync(secretFile, 'the-secret\n');

  test('each kind takes its flags; secrets come from files', async () => {
    assert.deepEqual(
      await cloudMaterial('ecr', {
        awsRegion: 'eu-west-1',
        awsAccessKeyId: 'AKID',
        awsSecretAccessKeyFile: secretFile,
        awsRoleArn: 'arn:aws:iam::123456789012:role/pull',
        awsEndpoint: 'http://127.0.0.1:1',
      }),
      {
        kind: 'ecr',
        region: 'eu-west-1',
        accessKeyId: 'AKID',
        secretAccessKey: 'the-secret',
        roleArn: 'arn:aws:iam::123456789012:role/pull',
        endpoint: 'http://127.0.0.1:1',
      },
    );
    assert.deepEqual(await cloudMaterial('ecr', { awsRegion: 'eu-west-1', awsProfile: 'prod' }), {
      kind: 'ecr',
      region: 'eu-west-1',
      profile: 'prod',
    });
    assert.deepEqual(await cloudMaterial('ecr', { awsRegion: 'us-east-1' }), {
      kind: 'ecr',
      region: 'us-east-1',
    });
    assert.deepEqual(await cloudMaterial('gcp', { passwordFile: secretFile }), {
      kind: 'gcp',
      keyJson: 'the-secret',
    });
    assert.deepEqual(
      await cloudMaterial('acr', {
        azureTenant: 't',
        azureClientId: 'c',
        azureClientSecretFile: secretFile,
        azureAuthority: 'https://login.microsoftonline.us',
      }),
      {
        kind: 'acr',
        tenantId: 't',
        clientId: 'c',
        clientSecret: 'the-secret',
        authority: 'https://login.microsoftonline.us',
      },
    );
  });

  test('mistakes name the flag', async () => {
    const cases: [Parameters<typeof cloudMaterial>, RegExp][] = [
      [['ecr', {}], /--kind ecr needs --aws-region/],
      [['ecr', { awsRegion: 'eu-west-1', awsAccessKeyId: 'A' }], /--aws-secret-access-key-file go together/],
      [
        [
          'ecr',
          {
            awsRegion: 'eu-west-1',
            awsAccessKeyId: 'A',
            awsSecretAccessKeyFile: secretFile,
            awsProfile: 'p',
          },
        ],
        /either --aws-access-key-id .* or --aws-profile/,
      ],
      [
        ['ecr', { awsRegion: 'eu-west-1', passwordFile: secretFile }],
        /--aws-secret-access-key-file, not --password/,
      ],
      [['ecr', { awsRegion: 'eu-west-1', azureTenant: 't' }], /--azure-tenant does not apply to --kind ecr/],
      [
        ['ecr', { awsRegion: 'eu-west-1', awsAccessKeyId: 'A', awsSecretAccessKeyFile: join(dir, 'none') }],
        /--aws-secret-access-key-file: cannot read .*ENOENT/,
      ],
      [['gcp', {}], /--password-file KEY.json/],
      [['gcp', { awsRegion: 'eu-west-1' }], /--aws-region does not apply to --kind gcp/],
      [['acr', { azureTenant: 't' }], /--azure-client-id/],
      [['acr', {}], /--azure-tenant/],
      [['acr', { azureTenant: 't', azureClientId: 'c' }], /--azure-client-secret-file/],
    ];
    for (const [args, message] of cases) await assert.rejects(cloudMaterial(...args), message);
  });
});
