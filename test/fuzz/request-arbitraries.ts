/**
 * fast-check arbitraries for HTTP requests to Purser: one operation of the OpenAPI document (or
 * /token, /notifications, /v1/search), with path parameters, query strings, bodies and
 * credentials drawn from known names and from hostile text (percent sequences, NUL, CR/LF,
 * overlong values, numbers outside every range, wrong JSON types).
 */
import fc from 'fast-check';

export interface Operation {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path: `{name}` parameters, `*` for a wildcard. */
  readonly path: string;
  readonly query: readonly string[];
  /** Property names of the JSON body, when the operation takes one. */
  readonly body: readonly string[] | undefined;
  /** The JSON schema of the body, when the document gives one. */
  readonly schema?: JsonSchema | undefined;
  readonly contentType?: string;
}

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Record<string, JsonSchema>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly const?: unknown;
  readonly enum?: readonly unknown[];
  readonly minimum?: number;
  readonly maximum?: number;
}

export interface FuzzRequest {
  readonly method: Operation['method'];
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
  readonly remoteAddress: string;
}

interface OpenApiDocument {
  readonly paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema?: JsonSchema }> };
      }
    >
  >;
}

/** Every operation of the document, plus the routes outside /api/v1 that take input. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      const schema = Object.values(content)[0]?.schema;
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        body: op.requestBody
          ? Object.keys(schema?.properties ?? {})
          : method === 'get' || method === 'delete'
            ? undefined
            : [],
        schema,
      });
    }
  }
  const tokenQuery = ['service', 'scope', 'account', 'offline_token', 'client_id'];
  const form = 'application/x-www-form-urlencoded';
  operations.push(
    { method: 'GET', path: '/token', query: tokenQuery, body: undefined },
    {
      method: 'POST',
      path: '/token',
      query: [],
      body: ['grant_type', 'service', 'scope', 'username', 'password', 'refresh_token', 'access_type'],
      contentType: form,
    },
    { method: 'POST', path: '/notifications/{service}', query: [], body: ['events'] },
    { method: 'GET', path: '/v1/search', query: ['q', 'n', 'page', 'service'], body: undefined },
    { method: 'GET', path: '/v2/search', query: ['q', 'n', 'page', 'service'], body: undefined },
  );
  return operations;
}

export interface KnownValues {
  /** Names that exist (users, groups, registries, robots, environments…). */
  readonly names: readonly string[];
  /** Authorization headers to use (an administrator's, a user's, garbage). */
  readonly authorizations: readonly (string | undefined)[];
  /** Extra headers for /notifications (the right secret, a wrong one). */
  readonly notifyHeaders: readonly Record<string, string>[];
}

const HOSTILE = [
  '',
  ' ',
  '%',
  '%25',
  '%25%25',
  '%25E0%25A4',
  '%E0%A4%A',
  '%00',
  'a%00b',
  '%0d%0a',
  '..',
  '../..',
  '/',
  '//',
  'a//b',
  '1e20',
  '1e308',
  '-1',
  '0',
  '1.5',
  'NaN',
  'Infinity',
  '-Infinity',
  '99999999999999999999',
  'true',
  'null',
  '[]',
  '{}',
  'repository:team/app:pull',
  'repository:a:pull,push,delete,*',
  'registry:catalog:*',
  'sha256:' + 'a'.repeat(64),
  'team/app:latest',
  'team/app@sha256:' + 'b'.repeat(64),
  'UPPER/case',
  'émoji-😀',
  '\u202e',
  'a'.repeat(256),
  'x'.repeat(5000),
];

// Built once per list of names: fc.stringMatching compiles its pattern, which is slow.
const texts = new WeakMap<readonly string[], fc.Arbitrary<string>>();
const FRESH_NAME = fc.stringMatching(/^[a-z][a-z0-9]{2,10}$/);
const SHAPED = fc.stringMatching(/^[a-z0-9]+([._/-][a-z0-9]+){0,4}(:[a-z0-9._-]{1,10})?$/);

function text(names: readonly string[]): fc.Arbitrary<string> {
  let arbitrary = texts.get(names);
  if (!arbitrary) {
    arbitrary = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...names) },
      { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
      { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
      { weight: 1, arbitrary: SHAPED },
    );
    texts.set(names, arbitrary);
  }
  return arbitrary;
}

/** JSON values of every type, including the ones a schema does not expect. */
const jsonValues = new WeakMap<readonly string[], fc.Arbitrary<unknown>>();
const jsonValue = (names: readonly string[]): fc.Arbitrary<unknown> => {
  const cached = jsonValues.get(names);
  if (cached) return cached;
  const arbitrary = fc.oneof(
    { weight: 4, arbitrary: text(names) },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.integer(),
        fc.constantFrom(0, -1, 1e20, 1e300, -1e300, Number.MAX_SAFE_INTEGER + 2, 2 ** 31, 2 ** 63, 0.5),
      ),
    },
    { weight: 1, arbitrary: fc.boolean() },
    { weight: 1, arbitrary: fc.constant(null) },
    { weight: 2, arbitrary: fc.array(text(names), { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.dictionary(text(names), text(names), { maxKeys: 3 }) },
    { weight: 1, arbitrary: fc.constantFrom('2099-01-01', '2000-01-01', 'read', 'write', 'admin', 'pull') },
  );
  jsonValues.set(names, arbitrary);
  return arbitrary;
};

type Body = { readonly json: unknown } | { readonly raw: string };

function encodePathValue(value: string, wildcard: boolean): string {
  const encoded = encodeURIComponent(value);
  return wildcard ? encoded.replace(/%2F/g, '/') : encoded;
}

/**
 * Values shaped like `schema` (right keys, right types, literals where it lists them) with
 * hostile leaves, so requests get past validation and reach the services and the store.
 */
export function fromSchema(schema: JsonSchema, names: readonly string[], depth = 0): fc.Arbitrary<unknown> {
  if (depth > 4) return jsonValue(names);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((s) => fromSchema(s, names, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string':
      return fc.oneof(
        { weight: 3, arbitrary: FRESH_NAME },
        { weight: 2, arbitrary: fc.constantFrom(...names) },
        { weight: 2, arbitrary: text(names) },
      );
    case 'integer':
    case 'number': {
      const min = schema.minimum ?? -(2 ** 31);
      const max = schema.maximum ?? 2 ** 31;
      return fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: Math.max(min, -(2 ** 40)), max: Math.min(max, 2 ** 40) }) },
        { weight: 1, arbitrary: fc.constantFrom(min - 1, max + 1, 1e300, -1, 0.5, 2 ** 63) },
      );
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(fromSchema(schema.items ?? {}, names, depth + 1), { maxLength: 3 });
    case 'object': {
      const properties = schema.properties ?? {};
      const required = (schema.required ?? []).filter((key) => key in properties);
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [key, value] of Object.entries(properties)) model[key] = fromSchema(value, names, depth + 1);
      return fc.record(model, { requiredKeys: required });
    }
    default:
      return jsonValue(names);
  }
}

function bodyOf(operation: Operation, known: KnownValues): fc.Arbitrary<Body> {
  const keys = operation.body?.length ? operation.body : ['name'];
  return fc.oneof(
    {
      weight: operation.schema ? 8 : 0,
      arbitrary: fromSchema(operation.schema ?? {}, known.names).map((json): Body => ({ json })),
    },
    {
      weight: 6,
      arbitrary: fc
        .dictionary(fc.constantFrom(...keys), jsonValue(known.names), { maxKeys: 6 })
        .map((json): Body => ({ json })),
    },
    { weight: 1, arbitrary: jsonValue(known.names).map((json): Body => ({ json })) },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom('{', '{"a":', 'null', '[1,2', '\u0000', '{"__proto__":{"x":1}}', '')
        .map((raw): Body => ({ raw })),
    },
  );
}

/** One request to one operation. */
export function requestFor(operation: Operation, known: KnownValues): fc.Arbitrary<FuzzRequest> {
  const params = [...operation.path.matchAll(/\{([^}]+)\}|\*/g)].map((m) => m[1] ?? '*');
  const queryKeys = [...operation.query, 'page', 'n', 'format'];
  return fc
    .record({
      pathValues: fc.tuple(...params.map(() => text(known.names)), fc.constant('')),
      rawPath: fc.oneof(
        { weight: 5, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
      query: fc.dictionary(
        fc.constantFrom(...queryKeys),
        fc.array(text(known.names), { minLength: 1, maxLength: 2 }),
        {
          maxKeys: 4,
        },
      ),
      body: bodyOf(operation, known),
      authorization: fc.constantFrom(...known.authorizations),
      notify: fc.constantFrom(...known.notifyHeaders),
      remoteAddress: fc.oneof(fc.ipV4(), fc.constantFrom('127.0.0.1', '10.0.0.1', '::1')),
      contentType: fc.constantFrom(
        operation.contentType ?? 'application/json',
        operation.contentType ?? 'application/json',
        'application/json',
        'application/x-www-form-urlencoded',
        'application/vnd.docker.distribution.events.v1+json',
        'text/plain',
      ),
    })
    .map(({ pathValues, rawPath, query, body, authorization, notify, contentType, remoteAddress }) => {
      let i = 0;
      const path = operation.path.replace(/\{[^}]+\}|\*/g, (match) => {
        const value = pathValues[i++] ?? '';
        // Now and then a value goes in unencoded, as a hostile client would send it.
        return rawPath && /^[\x21-\x7e]*$/.test(value) ? value : encodePathValue(value, match === '*');
      });
      const search = new URLSearchParams();
      for (const [key, values] of Object.entries(query)) for (const v of values) search.append(key, v);
      const qs = search.toString();
      const headers: Record<string, string> = {};
      if (authorization !== undefined) headers.authorization = authorization;
      if (operation.path.startsWith('/notifications')) Object.assign(headers, notify);
      let payload: string | undefined;
      if (operation.body !== undefined) {
        headers['content-type'] = contentType;
        payload =
          'raw' in body
            ? body.raw
            : contentType === 'application/x-www-form-urlencoded' &&
                typeof body.json === 'object' &&
                body.json !== null
              ? formOf(body.json as Record<string, unknown>)
              : JSON.stringify(body.json);
      }
      return {
        method: operation.method,
        url: qs ? `${path}?${qs}` : path,
        headers,
        remoteAddress,
        ...(payload === undefined ? {} : { payload }),
      };
    });
}

function formOf(body: Record<string, unknown>): string {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(body)) {
    for (const v of Array.isArray(value) ? value : [value])
      form.append(key, typeof v === 'string' ? v : JSON.stringify(v));
  }
  return form.toString();
}
