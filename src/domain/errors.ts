/**
 * One typed error hierarchy for the whole authority.
 *
 * Every error Purser raises on purpose is an AuthorityError with a stable `code`.
 * Each surface serializes it its own way (registry errcode JSON, OAuth JSON, CLI exit codes)
 * from the one descriptor table below. `detail` is for logs only and never leaves the process.
 */

export type AuthorityErrorCode =
  | 'UNAUTHORIZED'
  | 'TOKEN_REQUIRED'
  | 'TOKEN_MALFORMED'
  | 'TOKEN_INVALID'
  | 'INSUFFICIENT_SCOPE'
  | 'DENIED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'BAD_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'URI_TOO_LONG'
  | 'HEADERS_TOO_LARGE'
  | 'UNSUPPORTED_GRANT'
  | 'INVALID_GRANT'
  | 'CONFIG_INVALID'
  | 'UNAVAILABLE'
  | 'TOO_MANY_REQUESTS'
  | 'INTERNAL';

export interface ErrorDescriptor {
  /** HTTP status used on every HTTP surface. */
  readonly status: number;
  /** Docker registry errcode value (`{"errors":[{"code": …}]}`). */
  readonly value: 'UNAUTHORIZED' | 'DENIED' | 'NAME_UNKNOWN' | 'UNSUPPORTED' | 'TOOMANYREQUESTS' | 'UNKNOWN';
  /** OAuth2 error for `POST /token`. */
  readonly oauth:
    | 'invalid_request'
    | 'invalid_client'
    | 'invalid_grant'
    | 'unauthorized_client'
    | 'unsupported_grant_type'
    | 'invalid_scope'
    | 'server_error'
    | 'temporarily_unavailable';
  /** CLI exit code. */
  readonly exit: number;
  /** What the code means, for docs/errors.md. */
  readonly description: string;
}

export const ERROR_DESCRIPTORS: Readonly<Record<AuthorityErrorCode, ErrorDescriptor>> = Object.freeze({
  UNAUTHORIZED: {
    status: 401,
    value: 'UNAUTHORIZED',
    oauth: 'invalid_grant',
    exit: 3,
    description: 'The credentials are missing or wrong.',
  },
  TOKEN_REQUIRED: {
    status: 401,
    value: 'UNAUTHORIZED',
    oauth: 'invalid_request',
    exit: 3,
    description: 'A bearer token is required.',
  },
  TOKEN_MALFORMED: {
    status: 401,
    value: 'UNAUTHORIZED',
    oauth: 'invalid_request',
    exit: 3,
    description: 'The bearer token could not be parsed.',
  },
  TOKEN_INVALID: {
    status: 401,
    value: 'UNAUTHORIZED',
    oauth: 'invalid_grant',
    exit: 3,
    description: 'The bearer token is expired, not yet valid, or not signed by a trusted key.',
  },
  INSUFFICIENT_SCOPE: {
    status: 403,
    value: 'DENIED',
    oauth: 'invalid_scope',
    exit: 4,
    description: 'The token does not grant the access the request needs.',
  },
  DENIED: {
    status: 403,
    value: 'DENIED',
    oauth: 'unauthorized_client',
    exit: 4,
    description: 'The principal is authenticated but not allowed to do this.',
  },
  NOT_FOUND: {
    status: 404,
    value: 'NAME_UNKNOWN',
    oauth: 'invalid_request',
    exit: 5,
    description: 'The named object does not exist.',
  },
  CONFLICT: {
    status: 409,
    value: 'UNKNOWN',
    oauth: 'invalid_request',
    exit: 6,
    description: 'The object already exists or conflicts with another.',
  },
  BAD_REQUEST: {
    status: 400,
    value: 'UNSUPPORTED',
    oauth: 'invalid_request',
    exit: 2,
    description: 'The request is malformed or names something unknown.',
  },
  PAYLOAD_TOO_LARGE: {
    status: 413,
    value: 'UNSUPPORTED',
    oauth: 'invalid_request',
    exit: 2,
    description: 'The request body is over the limit (1 MiB; 8 MiB for registry notifications).',
  },
  URI_TOO_LONG: {
    status: 414,
    value: 'UNSUPPORTED',
    oauth: 'invalid_request',
    exit: 2,
    description: 'A path parameter of the URL is over 1024 characters.',
  },
  HEADERS_TOO_LARGE: {
    status: 431,
    value: 'UNSUPPORTED',
    oauth: 'invalid_request',
    exit: 2,
    description: "The request's headers are over the server's limit (16 KiB).",
  },
  UNSUPPORTED_GRANT: {
    status: 400,
    value: 'UNSUPPORTED',
    oauth: 'unsupported_grant_type',
    exit: 2,
    description: 'The OAuth2 grant type is not supported.',
  },
  INVALID_GRANT: {
    status: 401,
    value: 'UNAUTHORIZED',
    oauth: 'invalid_grant',
    exit: 3,
    description: 'The refresh token or password grant is not valid.',
  },
  CONFIG_INVALID: {
    status: 400,
    value: 'UNSUPPORTED',
    oauth: 'invalid_request',
    exit: 2,
    description: 'The configuration has one or more problems; each is listed as `path: message`.',
  },
  UNAVAILABLE: {
    status: 503,
    value: 'UNKNOWN',
    oauth: 'temporarily_unavailable',
    exit: 7,
    description: 'A dependency (database, registry, directory) could not be reached.',
  },
  TOO_MANY_REQUESTS: {
    status: 429,
    value: 'TOOMANYREQUESTS',
    oauth: 'invalid_grant',
    exit: 8,
    description:
      'Too many failed attempts; wait the seconds `Retry-After` gives and retry (docs/security.md).',
  },
  INTERNAL: {
    status: 500,
    value: 'UNKNOWN',
    oauth: 'server_error',
    exit: 1,
    description: 'An unexpected failure; details are in the server log only.',
  },
});

export interface AuthorityErrorOptions {
  /** Logged, never sent. */
  detail?: string;
  headers?: Record<string, string>;
  cause?: unknown;
  /** Send the message although the status is 5xx (a message written for clients, e.g. "the database is unavailable"). */
  expose?: boolean;
}

export class AuthorityError extends Error {
  readonly code: AuthorityErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: AuthorityErrorCode, message: string, options: AuthorityErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = ERROR_DESCRIPTORS[code].status;
    // A dependency that is down is the one 5xx whose message helps the client (which one, retry).
    this.expose = options.expose ?? (this.status < 500 || code === 'UNAVAILABLE');
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }

  get descriptor(): ErrorDescriptor {
    return ERROR_DESCRIPTORS[this.code];
  }
}

export class Unauthorized extends AuthorityError {
  constructor(message = 'authentication required', options?: AuthorityErrorOptions) {
    super('UNAUTHORIZED', message, options);
  }
}
export class TokenRequired extends AuthorityError {
  constructor(message = 'a bearer token is required', options?: AuthorityErrorOptions) {
    super('TOKEN_REQUIRED', message, options);
  }
}
export class TokenMalformed extends AuthorityError {
  constructor(message = 'malformed token', options?: AuthorityErrorOptions) {
    super('TOKEN_MALFORMED', message, options);
  }
}
export class TokenInvalid extends AuthorityError {
  constructor(message = 'invalid token', options?: AuthorityErrorOptions) {
    super('TOKEN_INVALID', message, options);
  }
}
export class InsufficientScope extends AuthorityError {
  constructor(message = 'insufficient scope', options?: AuthorityErrorOptions) {
    super('INSUFFICIENT_SCOPE', message, options);
  }
}
export class Denied extends AuthorityError {
  constructor(message = 'requested access to the resource is denied', options?: AuthorityErrorOptions) {
    super('DENIED', message, options);
  }
}
export class NotFound extends AuthorityError {
  constructor(message: string, options?: AuthorityErrorOptions) {
    super('NOT_FOUND', message, options);
  }
}
export class Conflict extends AuthorityError {
  constructor(message: string, options?: AuthorityErrorOptions) {
    super('CONFLICT', message, options);
  }
}
export class BadRequest extends AuthorityError {
  constructor(message: string, options?: AuthorityErrorOptions) {
    super('BAD_REQUEST', message, options);
  }
}
export class UnsupportedGrant extends AuthorityError {
  constructor(message: string, options?: AuthorityErrorOptions) {
    super('UNSUPPORTED_GRANT', message, options);
  }
}
export class InvalidGrant extends AuthorityError {
  constructor(message = 'authentication required', options?: AuthorityErrorOptions) {
    super('INVALID_GRANT', message, options);
  }
}
export class ConfigInvalid extends AuthorityError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[], options?: AuthorityErrorOptions) {
    super('CONFIG_INVALID', `invalid configuration:\n  ${problems.join('\n  ')}`, options);
    this.problems = problems;
  }
}
export class Unavailable extends AuthorityError {
  constructor(message: string, options?: AuthorityErrorOptions) {
    super('UNAVAILABLE', message, options);
  }
}
export class TooManyRequests extends AuthorityError {
  constructor(message = 'too many failed attempts, try again later', options?: AuthorityErrorOptions) {
    super('TOO_MANY_REQUESTS', message, options);
  }
}

export function isAuthorityError(value: unknown): value is AuthorityError {
  return value instanceof AuthorityError;
}
