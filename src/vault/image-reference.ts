/**
 * Image references parsed and normalized exactly like distribution/reference
 * (`ParseNormalizedNamed` followed by `TagNameOnly`):
 *
 *   ubuntu                    → docker.io/library/ubuntu:latest
 *   index.docker.io/foo/bar   → docker.io/foo/bar:latest
 *   localhost:5000/app@sha256:… → localhost:5000/app@sha256:…   (no default tag next to a digest)
 *
 * The first path component is a registry (domain) only when it is `localhost`, contains `.` or `:`,
 * or is not lowercase; otherwise the image is on Docker Hub (or on the default registry, when one is
 * given). The grammar below is upstream's `regexp.go`, written out piece by piece.
 */
import { BadRequest } from '../domain/errors.ts';

export interface ImageReference {
  /** Registry host[:port] (`docker.io` for Docker Hub). */
  readonly domain: string;
  /** Repository path inside the registry (`library/ubuntu`). */
  readonly path: string;
  /** The tag; `latest` when the reference had neither a tag nor a digest. */
  readonly tag?: string;
  /** `algorithm:hex`, when the reference pins one. */
  readonly digest?: string;
  /** The short form Docker shows (`ubuntu:latest`, `ghcr.io/o/a@sha256:…`). */
  readonly familiar: string;
  /** The familiar repository name alone, without tag or digest (`ubuntu`). */
  readonly familiarName: string;
  /** The full normalized reference with tag and/or digest. */
  readonly normalized: string;
  /** `domain/path`. */
  readonly name: string;
}

/** A reference as upstream `Parse` sees it: no normalization, domain may be absent. */
export interface RawReference {
  readonly domain: string | undefined;
  readonly path: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
}

export interface ParseReferenceOptions {
  /**
   * Registry for images written without a registry prefix (`ubuntu`, `org/app`) instead of Docker
   * Hub. Such names keep their path as written (no `library/`, which is a Docker Hub convention).
   * Docker Hub's own names (docker.io, index.docker.io, registry-1.docker.io) mean "no default".
   */
  readonly defaultRegistry?: string | undefined;
}

export const DOCKER_HUB_DOMAIN = 'docker.io';
const LEGACY_HUB_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';
/** upstream RepositoryNameTotalLengthMax, applied to the whole name (domain included) as its tests expect. */
export const REPOSITORY_NAME_MAX = 255;
/** Guard against pathological input before any regular expression runs. */
const INPUT_MAX = 4096;

// --- grammar (distribution/reference regexp.go) ---
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tagPat = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}${optionalPort}`;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePat = `(?:${domainAndPort}/)?${remoteName}`;

const REFERENCE_RE = new RegExp(`^(${namePat})(?::(${tagPat}))?(?:@(${digestPat}))?$`);
const NAME_RE = new RegExp(`^(?:(${domainAndPort})/)?(${remoteName})$`);
const DOMAIN_RE = new RegExp(`^${domainAndPort}$`);
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;

/** Digest algorithms go-digest registers by default, with their hex length. */
const DIGEST_ALGORITHMS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

function invalid(text: string, reason: string): BadRequest {
  return new BadRequest(`invalid image reference "${text}": ${reason}`);
}

/** go-digest `Digest.Validate`. Returns the reason when invalid. */
function digestProblem(digest: string): string | undefined {
  const i = digest.indexOf(':');
  if (i <= 0 || i + 1 === digest.length) return 'invalid checksum digest format';
  const algorithm = digest.slice(0, i);
  const encoded = digest.slice(i + 1);
  const size = DIGEST_ALGORITHMS[algorithm];
  if (size === undefined) return `unsupported digest algorithm "${algorithm}"`;
  if (encoded.length !== size) return 'invalid checksum digest length';
  if (!/^[a-f0-9]+$/.test(encoded)) return 'invalid checksum digest format';
  return undefined;
}

/**
 * Upstream `Parse`: syntax only, no normalization. `domain` is whatever the name grammar
 * captured (for `foo/bar`, upstream treats `foo` as a domain here).
 */
export function parseRawReference(text: string): RawReference {
  if (text === '') throw invalid(text, 'repository name must have at least one component');
  if (text.length > INPUT_MAX) throw invalid(`${text.slice(0, 40)}…`, 'reference is too long');
  const match = REFERENCE_RE.exec(text);
  if (!match) {
    const lower = text.toLowerCase();
    if (lower !== text && REFERENCE_RE.test(lower)) throw invalid(text, 'repository name must be lowercase');
    throw invalid(text, 'invalid reference format');
  }
  const name = match[1] ?? '';
  const nameMatch = NAME_RE.exec(name);
  const domain = nameMatch?.[1];
  const path = nameMatch ? (nameMatch[2] ?? '') : name;
  if (name.length > REPOSITORY_NAME_MAX) {
    throw invalid(text, `repository name must not be more than ${REPOSITORY_NAME_MAX} characters`);
  }
  const digest = match[3];
  if (digest !== undefined) {
    const problem = digestProblem(digest);
    if (problem) throw invalid(text, problem);
  }
  return { domain, path, tag: match[2], digest };
}

/** True for the names under which Docker Hub is known (not for its auth or legacy v1 URLs). */
function isHubName(domain: string): boolean {
  return domain === DOCKER_HUB_DOMAIN || domain === LEGACY_HUB_DOMAIN || domain === 'registry-1.docker.io';
}

function normalizeDefaultRegistry(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!DOMAIN_RE.test(value)) {
    throw new BadRequest(`invalid default registry "${value}": expected host or host:port`);
  }
  return isHubName(value) ? undefined : value;
}

/** upstream `splitDockerDomain`, with the default registry replacing Docker Hub for bare names. */
function splitDomain(
  text: string,
  defaultRegistry: string | undefined,
): { domain: string; remainder: string } {
  const slash = text.indexOf('/');
  if (slash < 0) {
    // Single element ("ubuntu", "ubuntu:22.04", even "localhost:5000"): never a domain upstream.
    return defaultRegistry
      ? { domain: defaultRegistry, remainder: text }
      : { domain: DOCKER_HUB_DOMAIN, remainder: OFFICIAL_PREFIX + text };
  }
  const first = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  let domain: string;
  let remainder: string;
  if (first === 'localhost') {
    domain = first;
    remainder = rest;
  } else if (first === LEGACY_HUB_DOMAIN) {
    domain = DOCKER_HUB_DOMAIN;
    remainder = rest;
  } else if (first.includes('.') || first.includes(':') || first.toLowerCase() !== first) {
    domain = first;
    remainder = rest;
  } else if (defaultRegistry) {
    return { domain: defaultRegistry, remainder: text };
  } else {
    domain = DOCKER_HUB_DOMAIN;
    remainder = text;
  }
  if (domain === DOCKER_HUB_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_PREFIX + remainder;
  return { domain, remainder };
}

/** upstream `familiarizeName`. */
export function familiarName(domain: string, path: string): string {
  if (domain !== DOCKER_HUB_DOMAIN) return `${domain}/${path}`;
  if (path.startsWith(OFFICIAL_PREFIX)) {
    const rest = path.slice(OFFICIAL_PREFIX.length);
    if (!rest.includes('/')) return rest;
  }
  return path;
}

function suffix(tag: string | undefined, digest: string | undefined): string {
  return `${tag === undefined ? '' : `:${tag}`}${digest === undefined ? '' : `@${digest}`}`;
}

/**
 * Parses and normalizes an image reference (upstream ParseNormalizedNamed + TagNameOnly).
 * Throws BadRequest with a one-line reason for invalid input.
 */
export function parseReference(text: string, options: ParseReferenceOptions = {}): ImageReference {
  const defaultRegistry = normalizeDefaultRegistry(options.defaultRegistry);
  if (typeof text !== 'string') throw new TypeError('parseReference expects a string');
  if (text === '') throw invalid(text, 'repository name must have at least one component');
  if (IDENTIFIER_RE.test(text)) {
    throw invalid(text, 'repository name cannot be a 64-byte hexadecimal string (that is an image id)');
  }
  if (text.length > INPUT_MAX) throw invalid(`${text.slice(0, 40)}…`, 'reference is too long');
  const { domain: split, remainder } = splitDomain(text, defaultRegistry);
  const colon = remainder.indexOf(':');
  const remote = colon >= 0 ? remainder.slice(0, colon) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw invalid(text, `repository name (${remote}) must be lowercase`);
  }
  let raw: RawReference;
  try {
    raw = parseRawReference(`${split}/${remainder}`);
  } catch (error) {
    if (error instanceof BadRequest) {
      throw invalid(text, error.message.replace(/^invalid image reference ".*?": /, ''));
    }
    throw error;
  }
  const domain = raw.domain ?? '';
  const path = raw.path;
  const digest = raw.digest;
  const tag = raw.tag ?? (digest === undefined ? DEFAULT_TAG : undefined);
  const name = domain === '' ? path : `${domain}/${path}`;
  const shortName = familiarName(domain, path);
  return {
    domain,
    path,
    ...(tag === undefined ? {} : { tag }),
    ...(digest === undefined ? {} : { digest }),
    familiar: shortName + suffix(tag, digest),
    familiarName: shortName,
    normalized: name + suffix(tag, digest),
    name,
  };
}

/** The same reference without its digest (a tag-less digest-only reference gets `latest`). */
export function withoutDigest(reference: ImageReference): ImageReference {
  if (reference.digest === undefined) return reference;
  const tag = reference.tag ?? DEFAULT_TAG;
  return {
    domain: reference.domain,
    path: reference.path,
    tag,
    familiar: `${reference.familiarName}:${tag}`,
    familiarName: reference.familiarName,
    normalized: `${reference.name}:${tag}`,
    name: reference.name,
  };
}
