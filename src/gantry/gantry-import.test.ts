import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequest } from '../domain/errors.ts';
import type { Vault } from '../vault/vault.ts';
import { parseConfigsFile } from './configs-file.ts';
import { environmentForConfiguration, gantryImport } from './gantry-import.ts';

describe('environmentForConfiguration', () => {
  const cases: [string, string][] = [
    ['', 'default'],
    ['/etc/gantry/GHCR', 'ghcr'],
    ['./configs/team a/', 'team-a'],
    ['/root/.docker', 'docker'],
    ['cfg_1.prod', 'cfg_1.prod'],
    ['/', 'gantry'],
  ];
  for (const [input, expected] of cases)
    it(`${input || '(default)'} → ${expected}`, () =>
      assert.equal(environmentForConfiguration(input), expected));
});

describe('gantryImport', () => {
  const vault = { add: async () => ({}) } as unknown as Vault;
  const actor = { name: 'test', kind: 'system' as const };
  it('refuses two directories that would share an environment', async () => {
    const inputs = {
      ...parseConfigsFile('/a/ghcr r.io u p\n/b/ghcr q.io u p\n', 'f'),
      configsFile: undefined,
    };
    await assert.rejects(
      gantryImport({ inputs, vault, actor, verify: false }),
      (e: unknown) => e instanceof BadRequest && /both become environment "ghcr"/.test(e.message),
    );
  });
  it('--env puts everything into one environment, newest wins per registry', async () => {
    const added: string[] = [];
    const recording = {
      add: async (input: { environment: string; address: string; username: string }) =>
        added.push(`${input.environment}/${input.address}/${input.username}`),
    } as unknown as Vault;
    const inputs = { ...parseConfigsFile('/a/x r.io u1 p\n/b/x r.io u2 p\n', 'f'), configsFile: undefined };
    const report = await gantryImport({
      inputs,
      vault: recording,
      actor,
      verify: false,
      environment: 'prod',
    });
    assert.equal(report.ok, true);
    assert.deepEqual(added, ['prod/r.io/u1', 'prod/r.io/u2']);
    assert.match(report.warnings[0]!, /f line 2 replaces f line 1 for r\.io in environment prod/);
  });
});
