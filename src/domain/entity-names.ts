/**
 * The names of the access model's entities, defined once for every way in: the configuration
 * file (config/load.ts), the management API's request schemas (server/routes/api/schemas.ts),
 * the application services (src/app/) and, as a last gate, the store's writers.
 *
 * Users, services and robots share one login namespace (the store refuses a name another kind
 * holds); users, groups and apps may not be all digits, so a name never reads as an id.
 */
import { BadRequest } from './errors.ts';
import { isAllDigits } from './model.ts';

export type EntityKind = 'user' | 'group' | 'app' | 'service' | 'robot' | 'registry';

export interface NameRule {
  /** The whole name must match (JSON Schema's `pattern` dialect: no flags, no lookbehind). */
  readonly pattern: string;
  /** What a valid name looks like, shown when a name does not match. */
  readonly hint: string;
  readonly description: string;
  /** Names made only of digits are refused. */
  readonly refuseDigits: boolean;
}

const PERSON_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,254}$';
const PERSON_HINT = "use 1 to 255 letters, digits, '.', '_', '@' and '-', starting with a letter or digit";

export const NAME_RULES: Readonly<Record<EntityKind, NameRule>> = Object.freeze({
  user: {
    pattern: PERSON_PATTERN,
    hint: PERSON_HINT,
    description: 'User name (not all digits)',
    refuseDigits: true,
  },
  group: {
    pattern: PERSON_PATTERN,
    hint: PERSON_HINT,
    description: 'Group name (not all digits)',
    refuseDigits: true,
  },
  app: {
    pattern: PERSON_PATTERN,
    hint: PERSON_HINT,
    description: 'Application name (not all digits)',
    refuseDigits: true,
  },
  service: {
    pattern: '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,254}$',
    hint: "use 1 to 255 letters, digits, '.', '_', ':', '@' and '-' (a host name, for example)",
    description: 'Service account name, usually the host name of the machine',
    refuseDigits: false,
  },
  robot: {
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,126}\\+[A-Za-z0-9][A-Za-z0-9._-]{0,126}$',
    hint: 'robot names have the form owner+name (for example ci+builder)',
    description: 'Robot name, owner+name',
    refuseDigits: false,
  },
  registry: {
    pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,254}$',
    hint: "the registry's REGISTRY_AUTH_TOKEN_SERVICE: letters, digits, '.', '_', ':' and '-'",
    description: "The registry's token service name (the token audience)",
    refuseDigits: false,
  },
});

const COMPILED = new Map<EntityKind, RegExp>(
  (Object.keys(NAME_RULES) as EntityKind[]).map((kind) => [kind, new RegExp(NAME_RULES[kind].pattern)]),
);

/** What is wrong with `name` for an entity of `kind`, or undefined when it is valid. */
export function nameProblem(kind: EntityKind, name: string): string | undefined {
  const rule = NAME_RULES[kind];
  if (rule.refuseDigits && isAllDigits(name)) return 'must not be all digits';
  if (!COMPILED.get(kind)!.test(name)) return rule.hint;
  return undefined;
}

/** Throws BadRequest (`user name "1234" is not valid: it must not be all digits`) for an invalid name. */
export function checkName(kind: EntityKind, name: string): void {
  const problem = nameProblem(kind, name);
  if (problem === undefined) return;
  const text = problem.startsWith('must ') ? `it ${problem}` : problem;
  throw new BadRequest(`${kind} name "${name}" is not valid: ${text}`);
}
