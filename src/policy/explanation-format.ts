/**
 * Human-readable rendering of an Explanation, for `purser explain` and logs.
 */
import type { Explanation } from './decision.ts';

export function formatExplanation(explanation: Explanation): string {
  const { principal, resource } = explanation;
  const who = principal.kind === 'anonymous' ? 'anonymous' : `${principal.kind} ${principal.name}`;
  const lines = [
    `${who} on ${explanation.registry}: ${resource.type}:${resource.name}`,
    `  requested: ${explanation.requested.join(',') || '(nothing)'}`,
    `  granted:   ${explanation.granted.join(',') || '(nothing)'}`,
    `  allowed:   ${explanation.allowed.join(',') || '(nothing)'}`,
  ];
  if (explanation.namespace) {
    const ns = explanation.namespace;
    lines.push(
      `  namespace: ${ns.kind === 'other' ? 'registry-wide (no users/, groups/ or apps/ prefix)' : `${ns.kind}/${ns.owner}`}`,
    );
  }
  lines.push('  decisions:');
  for (const verdict of explanation.actions) {
    const by = verdict.rule
      ? `rule #${verdict.rule.number}${verdict.rule.id ? ` '${verdict.rule.id}'` : ''}`
      : `seed: ${verdict.clause}`;
    lines.push(`    ${verdict.reason}  [${by}]`);
  }
  if (explanation.rulesSkipped !== undefined) {
    lines.push(`  rules: not consulted (${explanation.rulesSkipped})`);
  } else if (explanation.rules.length === 0) {
    lines.push('  rules: none configured');
  } else {
    lines.push('  rules:');
    for (const trace of explanation.rules) {
      const label = `#${trace.rule.number}${trace.rule.id ? ` '${trace.rule.id}'` : ''} (${trace.rule.effect})`;
      const state = trace.matched
        ? `matched${trace.decided.length > 0 ? `, decided ${trace.decided.join(',')}` : ', but its actions were already decided'}`
        : `no match: ${trace.mismatch}`;
      lines.push(`    ${label}: ${state}${trace.rule.comment ? `  -- ${trace.rule.comment}` : ''}`);
    }
  }
  return lines.join('\n');
}
