/**
 * Walks the configuration schema key by key (`token.lifetime`, `users[].name`), for the
 * generated docs, the environment defaults and the problem messages.
 */
import { Kind, OptionalKind, type TSchema } from '@sinclair/typebox';

export interface SchemaKey {
  /** `listen`, `token.lifetime`, `users[].groups`. */
  readonly path: string;
  readonly schema: TSchema;
  readonly required: boolean;
  readonly depth: number;
}

/** Every key under `schema`, parents before children. */
export function* schemaKeys(schema: TSchema, prefix = '', depth = 0): Generator<SchemaKey> {
  const object = objectOf(schema);
  if (!object) return;
  const required = new Set<string>((object.required as string[] | undefined) ?? []);
  for (const [name, property] of Object.entries(object.properties as Record<string, TSchema>)) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    yield { path, schema: property, required: required.has(name) && !isOptional(property), depth };
    const items = property[Kind] === 'Array' ? (property.items as TSchema) : undefined;
    if (items && objectOf(items)) yield* schemaKeys(items, `${path}[]`, depth + 1);
    else yield* schemaKeys(property, path, depth + 1);
  }
}

function objectOf(schema: TSchema): TSchema | undefined {
  return schema[Kind] === 'Object' && schema.properties ? schema : undefined;
}

function isOptional(schema: TSchema): boolean {
  return schema[OptionalKind] === 'Optional';
}

/** A short type name for people: `text`, `integer`, `list of text`, `private | public`. */
export function typeName(schema: TSchema): string {
  const literals = literalValues(schema);
  if (literals) return literals.map(String).join(' | ');
  switch (schema[Kind]) {
    case 'String':
      return 'text';
    case 'Integer':
      return 'integer';
    case 'Number':
      return 'number';
    case 'Boolean':
      return 'boolean';
    case 'Null':
      return 'null';
    case 'Object':
    case 'Record':
      return 'mapping';
    case 'Array': {
      const items = typeName(schema.items as TSchema);
      return `list of ${items === 'mapping' ? 'mappings' : items}`;
    }
    case 'Union':
      return (schema.anyOf as TSchema[]).map(typeName).join(' or ');
    default:
      return 'any';
  }
}

/** The values of a union of literals (`mode`, `permission`), else undefined. */
export function literalValues(schema: TSchema): unknown[] | undefined {
  if (schema[Kind] !== 'Union') return undefined;
  const members = schema.anyOf as TSchema[];
  if (!members.every((m) => m[Kind] === 'Literal')) return undefined;
  return members.map((m) => m.const);
}
