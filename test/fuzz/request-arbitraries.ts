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
  readonly contentType?: string;
}

export interface FuzzRequest {
  readonly method: Operation['method'];
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string;
}

interface OpenApiDocument {
  readonly paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string }[];
        requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
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

const text = (names: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...names) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
    { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
    { weight: 1, arbitrary: fc.stringMatching(/^[a-z0-9]+([._/-][a-z0-9]+){0,4}(:[a-z0-9._-]{1,10})?$/) },
  );

/** JSON values of every type, including the ones a schema does not expect. */
const jsonValue = (names: readonly string[]): fc.Arbitrary<unknown> =>
  fc.oneof(
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

type Body = { readonly json: unknown } | { readonly raw: string };

function encodePathValue(value: string, wildcard: boolean): string {
  const encoded = encodeURIComponent(value);
  return wildcard ? encoded.replace(/%2F/g, '/') : encoded;
}

function bodyOf(operation: Operation, known: KnownValues): fc.Arbitrary<Body> {
  const keys = operation.body?.length ? operation.body : ['name'];
  return fc.oneof(
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
      contentType: fc.constantFrom(
        operation.contentType ?? 'application/json',
        operation.contentType ?? 'application/json',
        'application/json',
        'application/x-www-form-urlencoded',
        'application/vnd.docker.distribution.events.v1+json',
        'text/plain',
      ),
    })
    .map(({ pathValues, rawPath, query, body, authorization, notify, contentType }) => {
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
