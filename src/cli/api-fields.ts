/**
 * API validation in the CLI's terms. The API says `invalid request: body.service: <rule>`; the
 * person typed `purser registry add https://…`. Each call names the argument or flag behind a
 * request field (`body.service` → `SERVICE`), so a problem reads `SERVICE "https://…": <rule>`.
 * Fields with a known rule are checked before the call (no database opened, no round trip).
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { BadRequest } from '../domain/errors.ts';

/**
 * The argument or flag behind a field; the rule its value must follow when the CLI knows it;
 * `secret` for passwords and secrets, whose value is never repeated in a message.
 */
export type FieldSpec =
  | string
  | { readonly flag: string; readonly rule?: TSchema; readonly secret?: boolean };

/** Request field (`body.service`, `querystring.scope`, `body.groups`) → argument or flag. */
export type FieldFlags = Readonly<Record<string, FieldSpec>>;

interface CallFields {
  readonly query?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: unknown;
  readonly fields?: FieldFlags;
}

const PROBLEM = /^((?:body|querystring|params|headers)(?:\.[^\s:]+)?): (.*)$/s;

/** Rewrites the API's `invalid request: part.path: rule; …` for the fields the call maps. */
export function inCliTerms(message: string, call: CallFields): string {
  const prefix = 'invalid request: ';
  if (!message.startsWith(prefix) || !call.fields) return message;
  const problems = message.slice(prefix.length).split(/; (?=(?:body|querystring|params|headers)\b)/);
  const translated = problems.map((problem) => {
    const match = PROBLEM.exec(problem);
    if (!match) return { text: problem, mapped: false };
    const [, where, rule] = match as unknown as [string, string, string];
    const field = fieldOf(where, call.fields!);
    if (!field) return { text: problem, mapped: false };
    const value = field.secret ? undefined : valueAt(call, where);
    return { text: describe(field.flag, value, plainRule(rule)), mapped: true };
  });
  const unique = [...new Set(translated.map((t) => t.text))];
  return translated.every((t) => t.mapped) ? unique.join('; ') : `${prefix}${unique.join('; ')}`;
}

/** Throws BadRequest, in the CLI's terms, when a mapped field breaks a rule the CLI knows. */
export function precheck(call: CallFields): void {
  if (!call.fields) return;
  const problems: string[] = [];
  for (const [where, spec] of Object.entries(call.fields)) {
    if (typeof spec === 'string' || !spec.rule) continue;
    const given = valueAt(call, where);
    for (const value of Array.isArray(given) ? given : [given]) {
      if (value === undefined || Value.Check(spec.rule, value)) continue;
      problems.push(describe(spec.flag, spec.secret ? undefined : value, hintOf(spec.rule)));
    }
  }
  if (problems.length > 0) throw new BadRequest(problems.join('; '));
}

function fieldOf(where: string, fields: FieldFlags): { flag: string; secret: boolean } | undefined {
  // body.groups.2 is an element of the list --group fills.
  const spec = fields[where] ?? fields[where.replace(/\.\d+$/, '')];
  if (spec === undefined) return undefined;
  return typeof spec === 'string'
    ? { flag: spec, secret: false }
    : { flag: spec.flag, secret: spec.secret === true };
}

function valueAt(call: CallFields, where: string): unknown {
  const [part, ...path] = where.split('.');
  let value: unknown = part === 'body' ? call.body : part === 'querystring' ? call.query : undefined;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function describe(flag: string, value: unknown, rule: string): string {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) return `${flag}: ${rule}`;
  const shown = typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
  return `${flag} ${shown}: ${rule}`;
}

function hintOf(rule: TSchema): string {
  return (rule as { hint?: string }).hint ?? 'not a valid value';
}

/** TypeBox's wording for the few messages that have no hint. */
function plainRule(rule: string): string {
  if (rule === 'expected required property') return 'is required';
  if (rule === 'expected union value') return 'not one of the accepted values';
  return rule;
}
