export { AccessController } from './access-controller.ts';
export { type AccessChange, accessMatrix, diffAccess, type MatrixRow } from './access-matrix.ts';
export {
  AccessModel,
  type AccessModelInput,
  type GroupedView,
  type Named,
  NamedIndex,
} from './access-model.ts';
export { blockContains, type CidrBlock, CidrSet, cidrProblem, parseAddress, parseCidr } from './cidr.ts';
export type {
  ActionVerdict,
  Decision,
  DecisionRequest,
  Explanation,
  RuleRef,
  RuleTrace,
  SeedClause,
} from './decision.ts';
export { allowedBits, allowedSet, decide, explain } from './engine.ts';
export { type ExplainQuery, explainAccess } from './explain-request.ts';
export { formatExplanation } from './explanation-format.ts';
export { globWitness } from './glob-witness.ts';
export {
  type CompiledGlob,
  compileGlob,
  type GlobOptions,
  globMatches,
  globProblems,
  joinGroupNames,
  matchGlob,
  placeholderSubject,
} from './matchers.ts';
export { type Namespace, type NamespaceKind, repositoryNamespace } from './namespace.ts';
export { findPrincipal, type ReviewPrincipal, reviewPrincipals } from './review-principals.ts';
export {
  type AccessRule,
  CATALOG,
  type CompiledRule,
  compileRules,
  DELETE,
  PULL,
  PUSH,
  REPOSITORY_BITS,
  type RuleAction,
  type RuleEffect,
  type RulePrincipals,
  ruleLabel,
  validateRules,
} from './rule.ts';
export { type AccessRuleDocument, AccessRuleSchema, RulePrincipalsSchema } from './rule-schema.ts';
export { parseScopePattern, type ScopePattern, sortActions } from './scope-pattern.ts';
export {
  type ActionGrant,
  type NamespaceAccess,
  type PrincipalAccess,
  type RegistryAccess,
  whatCan,
} from './what-can.ts';
export { type ReviewOptions, type WhoCanEntry, whoCan } from './who-can.ts';
