// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${account} and ${group} are literal policy syntax here
/**
 * JSON Schema (TypeBox) of one custom rule, for config files and the OpenAPI document.
 * The schema checks shape only; validateRules also checks globs, CIDRs and duplicate ids.
 */
import { type Static, Type } from '@sinclair/typebox';

const Glob = Type.String({
  minLength: 1,
  description: '`*` within a path component, `**` across `/`, `?` one character',
});

export const RulePrincipalsSchema = Type.Object(
  {
    kinds: Type.Optional(
      Type.Array(
        Type.Union([
          Type.Literal('user'),
          Type.Literal('service'),
          Type.Literal('robot'),
          Type.Literal('anonymous'),
        ]),
        {
          minItems: 1,
          description: 'principal kinds the rule applies to',
        },
      ),
    ),
    accounts: Type.Optional(Type.Array(Glob, { minItems: 1, description: 'globs over the principal name' })),
    groups: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'group names or ids' }),
    ),
  },
  { additionalProperties: false, description: 'who the rule applies to (every condition given must hold)' },
);

export const AccessRuleSchema = Type.Object(
  {
    id: Type.Optional(
      Type.String({ minLength: 1, description: 'a name, shown in explanations next to its number' }),
    ),
    effect: Type.Union([Type.Literal('allow'), Type.Literal('deny')], {
      description: 'what a match decides',
    }),
    actions: Type.Array(
      Type.Union([Type.Literal('pull'), Type.Literal('push'), Type.Literal('delete'), Type.Literal('*')]),
      { minItems: 1, description: 'the actions it decides' },
    ),
    registry: Type.Optional(
      Type.String({ minLength: 1, description: 'glob over the registry service name' }),
    ),
    repository: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'glob over the repository name; ${account} and ${group} placeholders',
      }),
    ),
    principals: Type.Optional(RulePrincipalsSchema),
    sources: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'CIDR blocks (IPv4 or IPv6)' }),
    ),
    comment: Type.Optional(Type.String({ description: 'free text, ignored' })),
  },
  { additionalProperties: false },
);

export type AccessRuleDocument = Static<typeof AccessRuleSchema>;
