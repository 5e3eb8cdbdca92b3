// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} is literal policy syntax here
/** The 100 custom rules of the who-can benchmark. */
import type { AccessRule } from '../../src/policy/index.ts';
import { groupName, type OrgSize } from './fixture-model.ts';

/** 100 rules of the kinds people write: team spaces, freezes, public pulls, homes, CI. */
export function benchRules(size: OrgSize): AccessRule[] {
  const rules: AccessRule[] = [
    { id: 'home', effect: 'allow', actions: ['*'], repository: 'home/${account}/**' },
  ];
  for (let i = 0; rules.length < 100; i++) {
    const g = groupName((i % size.groups) + 1);
    switch (i % 4) {
      case 0:
        rules.push({
          effect: 'deny',
          actions: ['push', 'delete'],
          repository: `team${i % 50}/release/**`,
          principals: { kinds: ['user'] },
        });
        break;
      case 1:
        rules.push({
          effect: 'allow',
          actions: ['pull', 'push'],
          repository: `team${i % 50}/**`,
          principals: { groups: [g] },
        });
        break;
      case 2:
        rules.push({
          effect: 'allow',
          actions: ['pull'],
          repository: `apps/a${i + 1}/public/*`,
          principals: { kinds: ['anonymous', 'service'] },
        });
        break;
      default:
        rules.push({
          effect: 'allow',
          actions: ['push'],
          repository: `apps/a${i + 1}/**`,
          principals: { accounts: [`ci+robot${i + 1}`] },
        });
    }
  }
  return rules;
}
