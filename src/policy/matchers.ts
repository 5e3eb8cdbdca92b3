/**
 * Glob patterns over repository names, registry services and account names, compiled once
 * to anchored regular expressions and cached.
 *
 *   `*`   any run of characters within one path component (never crosses `/`)
 *   `**`  a whole path component only (`a/**`, `**` `/b`, `a/**` `/b`, `**`) matches a run of
 *         characters across `/`; `a/**` `/b` also matches `a/b` (zero components)
 *   `?`   exactly one character other than `/`
 *   `${account}`  (repository patterns of custom rules only) the principal's name
 *   `${group}`    (repository patterns of custom rules only) any one of the user's group names
 *
 * Everything else is literal and case-sensitive. `[`, `]`, `{`, `}`, `\` and whitespace are
 * refused (reserved), so a typo such as `team/[web]` is reported instead of never matching.
 *
 * Placeholders are matched without building a regular expression per principal: the subject
 * becomes `account \0 \x01 group1 \x01 group2 \x01 \0 repository` and the placeholders are
 * back-references to named groups captured from that prefix (see `placeholderSubject`).
 */

export interface GlobOptions {
  /** Allow `${account}` and `${group}` (custom-rule repository patterns). */
  readonly placeholders?: boolean;
}

export interface CompiledGlob {
  readonly source: string;
  /** Anchored expression; for placeholder globs it expects a `placeholderSubject`. */
  readonly regex: RegExp;
  readonly usesAccount: boolean;
  readonly usesGroup: boolean;
  /** The pattern itself when it has no wildcard or placeholder (compared with `===`). */
  readonly literal: string | undefined;
}

const RESERVED = new Set(['[', ']', '{', '}', '\\']);
const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/;
const CACHE_LIMIT = 10_000;
const cache = new Map<string, CompiledGlob>();

/** Problems with a glob, as messages (empty when the pattern is valid). */
export function globProblems(pattern: string, options: GlobOptions = {}): string[] {
  return translate(pattern, options).problems;
}

/** Compile (or fetch from the cache) a glob. Throws TypeError for an invalid pattern. */
export function compileGlob(pattern: string, options: GlobOptions = {}): CompiledGlob {
  const key = `${options.placeholders ? 'p' : 'n'}${pattern}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const { body, problems, usesAccount, usesGroup, wildcard } = translate(pattern, options);
  if (problems.length > 0) throw new TypeError(`invalid glob "${pattern}": ${problems.join('; ')}`);
  const placeholder = usesAccount || usesGroup;
  const prefix = placeholder
    ? `^(?<account>[^\\0]+)\\0${usesGroup ? '[^\\0]*\\x01(?<group>[^\\0\\x01]+)\\x01[^\\0]*' : '[^\\0]*'}\\0`
    : '^';
  const compiled: CompiledGlob = Object.freeze({
    source: pattern,
    regex: new RegExp(`${prefix}${body}$`),
    usesAccount,
    usesGroup,
    literal: wildcard || placeholder ? undefined : pattern,
  });
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

/** Test a subject against a glob without placeholders. */
export function globMatches(glob: CompiledGlob, subject: string): boolean {
  if (glob.literal !== undefined) return glob.literal === subject;
  return glob.regex.test(subject);
}

/** Shorthand: compile (cached) and test a glob without placeholders. */
export function matchGlob(pattern: string, subject: string): boolean {
  return globMatches(compileGlob(pattern), subject);
}

/**
 * The subject a placeholder glob is tested against. `groupNames` is the list of the user's
 * group names joined as `\x01a\x01b\x01` (see `joinGroupNames`).
 */
export function placeholderSubject(account: string, joinedGroupNames: string, subject: string): string {
  return `${account}\u0000${joinedGroupNames}\u0000${subject}`;
}

export function joinGroupNames(names: readonly string[]): string {
  return names.length === 0 ? '\u0001' : `\u0001${names.join('\u0001')}\u0001`;
}

interface Translation {
  body: string;
  problems: string[];
  usesAccount: boolean;
  usesGroup: boolean;
  wildcard: boolean;
}

function translate(pattern: string, options: GlobOptions): Translation {
  const problems: string[] = [];
  const result: Translation = { body: '', problems, usesAccount: false, usesGroup: false, wildcard: false };
  if (typeof pattern !== 'string' || pattern.length === 0) {
    problems.push('must be a non-empty pattern');
    return result;
  }
  if (pattern.startsWith('/') || pattern.endsWith('/') || pattern.includes('//')) {
    problems.push('has an empty path component (leading, trailing or double "/")');
  }
  let body = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '*') {
      result.wildcard = true;
      if (pattern[i + 1] === '*') {
        if (pattern[i + 2] === '*') problems.push('has three or more "*" in a row');
        const whole =
          (i === 0 || pattern[i - 1] === '/') && (i + 2 === pattern.length || pattern[i + 2] === '/');
        if (!whole)
          problems.push('uses "**" inside a path component; "**" must be a whole component (a/**/b)');
        if (pattern[i + 2] === '/') {
          body += '(?:.*/)?';
          i += 3;
        } else {
          body += '.*';
          i += 2;
        }
        while (pattern[i] === '*') i++;
        continue;
      }
      body += '[^/]*';
    } else if (c === '?') {
      result.wildcard = true;
      body += '[^/]';
    } else if (c === '$' && pattern[i + 1] === '{') {
      const end = pattern.indexOf('}', i);
      if (end < 0) {
        problems.push('has an unterminated "${" placeholder');
        break;
      }
      const name = pattern.slice(i + 2, end);
      if (!options.placeholders) {
        problems.push(`placeholder "\${${name}}" is not allowed here`);
      } else if (name === 'account') {
        result.usesAccount = true;
        body += '\\k<account>';
      } else if (name === 'group') {
        result.usesGroup = true;
        body += '\\k<group>';
      } else {
        problems.push(`unknown placeholder "\${${name}}" (use \${account} or \${group})`);
      }
      i = end + 1;
      continue;
    } else if (RESERVED.has(c) || /\s/.test(c) || c < ' ' || c === '\u007f') {
      problems.push(`has the reserved or invalid character ${JSON.stringify(c)}`);
    } else {
      body += REGEX_SPECIAL.test(c) ? `\\${c}` : c;
    }
    i++;
  }
  result.body = body;
  return result;
}
