/**
 * Schema problems in the words of the file: `mode: expected private or public, got "privat"`,
 * not TypeBox's `expected union value`. Each names the key, the value given and what is
 * expected. `prune` removes what is wrong, so the checks that need well-typed values can still
 * run and every problem is reported in one round.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value, type ValueError, ValueErrorType } from '@sinclair/typebox/value';
import { literalValues, typeName } from './schema-walk.ts';

export interface SchemaProblem {
  /** JSON pointer of the value (`/users/1/extra`). */
  readonly pointer: string;
  /** `users[1].extra: unknown key`. */
  readonly text: string;
}

export function schemaProblems(schema: TSchema, value: unknown, prefix?: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    // Unions report one error per branch and a missing key also fails its type: keep the first.
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    problems.push({ pointer: error.path, text: `${prefix ?? keyPath(error.path)}: ${describe(error)}` });
  }
  return problems;
}

/** `/users/1/name` → `users[1].name`; the root is `(root)`. */
export function keyPath(pointer: string): string {
  if (pointer === '') return '(root)';
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce(
      (acc, part) => (/^[0-9]+$/.test(part) ? `${acc}[${part}]` : acc === '' ? part : `${acc}.${part}`),
      '',
    );
}

function describe(error: ValueError): string {
  const schema = error.schema;
  const hint = schema.hint as string | undefined;
  const unit = schema.unit ? ` ${schema.unit as string}` : '';
  const given = shown(error.value);
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown key';
    case ValueErrorType.ObjectRequiredProperty:
      return `missing (required: ${typeName(schema)})`;
    case ValueErrorType.Union: {
      const literals = literalValues(schema);
      const expected = literals ? oneOf(literals.map(String)) : typeName(schema);
      return `expected ${expected}, got ${given}`;
    }
    case ValueErrorType.IntegerMinimum:
    case ValueErrorType.NumberMinimum:
      return `must be at least ${schema.minimum}${unit} (got ${String(error.value)})`;
    case ValueErrorType.IntegerMaximum:
    case ValueErrorType.NumberMaximum:
      return `must be at most ${schema.maximum}${unit} (got ${String(error.value)})`;
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1
        ? 'must not be empty'
        : `must have at least ${schema.minLength} characters`;
    case ValueErrorType.StringMaxLength:
      return `must have at most ${schema.maxLength} characters (got ${String(error.value).length})`;
    case ValueErrorType.ArrayMinItems:
      return `give at least ${schema.minItems} item${schema.minItems === 1 ? '' : 's'}`;
    case ValueErrorType.StringPattern:
      return `expected ${hint ?? 'another form'}, got ${given}`;
    case ValueErrorType.Integer:
      return `expected a whole number${unit}, got ${given}`;
    default:
      // A value of the wrong type (and the few checks without a case above).
      return `expected ${hint ?? article(typeName(schema))}, got ${given}`;
  }
}

/** `private or public`; `one of a, b, c` for longer lists. */
function oneOf(values: readonly string[]): string {
  if (values.length === 2) return `${values[0]} or ${values[1]}`;
  return `one of ${values.join(', ')}`;
}

function article(type: string): string {
  if (type === 'mapping') return 'a mapping of keys to values';
  if (type.startsWith('list')) return `a ${type}`;
  if (type === 'boolean') return 'true or false';
  if (type === 'integer') return 'a whole number';
  return type;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

/**
 * A copy of `value` without what the problems point at (unknown keys, wrong values); a list
 * element that is then incomplete is left out too (a hole, so later indexes keep their place).
 */
export function prune(schema: TSchema, value: unknown, problems: readonly SchemaProblem[]): unknown {
  const copy = Value.Clone(value);
  for (const problem of problems) remove(copy, problem.pointer, false);
  for (const error of Value.Errors(schema, copy)) remove(copy, error.path, true);
  return copy;
}

function remove(root: unknown, pointer: string, wholeElement: boolean): void {
  const parts = pointer.split('/').slice(1);
  if (parts.length === 0) return;
  // The element of a list nearest the value, when the whole element goes.
  let cut = parts.length;
  if (wholeElement) {
    const index = parts.findLastIndex((part) => /^[0-9]+$/.test(part));
    cut = index >= 0 ? index + 1 : 1;
  }
  let parent: unknown = root;
  for (const part of parts.slice(0, cut - 1)) {
    if (parent === null || typeof parent !== 'object') return;
    parent = (parent as Record<string, unknown>)[part];
  }
  if (parent !== null && typeof parent === 'object')
    delete (parent as Record<string, unknown>)[parts[cut - 1]!];
}
