/**
 * Go's `path/filepath.Match` on a Unix system, ported line by line (go/src/path/filepath/match.go):
 * `*` matches any run of characters except `/`, `?` one character except `/`, `[...]` a class
 * (`[^...]` negated, `a-z` ranges), `\` escapes. A malformed pattern is an error
 * (ErrBadPattern), also when the name already failed to match, as in Go. The kubelet matches
 * each host label of `matchImages` with it, so its exact semantics decide which images a
 * provider serves.
 */

export class BadPatternError extends Error {
  constructor(pattern: string) {
    super(`syntax error in pattern "${pattern}"`);
    this.name = 'BadPatternError';
  }
}

const SEPARATOR = '/';

export function filepathMatch(pattern: string, name: string): boolean {
  let p = [...pattern];
  let n = [...name];
  const bad = () => new BadPatternError(pattern);
  nextChunk: while (p.length > 0) {
    const { star, chunk, rest } = scanChunk(p);
    p = rest;
    if (star && chunk.length === 0) return !n.includes(SEPARATOR);
    const first = matchChunk(chunk, n, bad);
    if (first.ok && (first.rest.length === 0 || p.length > 0)) {
      n = first.rest;
      continue;
    }
    if (star) {
      for (let i = 0; i < n.length && n[i] !== SEPARATOR; i++) {
        const skipped = matchChunk(chunk, n.slice(i + 1), bad);
        if (skipped.ok) {
          if (p.length === 0 && skipped.rest.length > 0) continue;
          n = skipped.rest;
          continue nextChunk;
        }
      }
    }
    // No match: the rest of the pattern must still be well formed.
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      matchChunk(next.chunk, [], bad);
    }
    return false;
  }
  return n.length === 0;
}

function scanChunk(pattern: string[]): { star: boolean; chunk: string[]; rest: string[] } {
  let star = false;
  let p = pattern;
  while (p.length > 0 && p[0] === '*') {
    p = p.slice(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
  scan: for (; i < p.length; i++) {
    switch (p[i]) {
      case '\\':
        if (i + 1 < p.length) i++;
        break;
      case '[':
        inRange = true;
        break;
      case ']':
        inRange = false;
        break;
      case '*':
        if (!inRange) break scan;
        break;
    }
  }
  return { star, chunk: p.slice(0, i), rest: p.slice(i) };
}

function matchChunk(
  chunkIn: string[],
  sIn: string[],
  bad: () => BadPatternError,
): { rest: string[]; ok: boolean } {
  let chunk = chunkIn;
  let s = sIn;
  // After a failure the loop goes on checking that the chunk is well formed.
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0]!;
    if (c === '[') {
      let r = '';
      if (!failed) {
        r = s[0]!;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === '^') {
        negated = true;
        chunk = chunk.slice(1);
      }
      let match = false;
      let ranges = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === ']' && ranges > 0) {
          chunk = chunk.slice(1);
          break;
        }
        const lo = getEscaped(chunk, bad);
        chunk = lo.rest;
        let hi = lo.char;
        if (chunk[0] === '-') {
          const upper = getEscaped(chunk.slice(1), bad);
          chunk = upper.rest;
          hi = upper.char;
        }
        if (!failed && cmp(lo.char, r) <= 0 && cmp(r, hi) <= 0) match = true;
        ranges++;
      }
      if (match === negated) failed = true;
    } else if (c === '?') {
      if (!failed) {
        if (s[0] === SEPARATOR) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    } else {
      let literal = c;
      if (c === '\\') {
        chunk = chunk.slice(1);
        if (chunk.length === 0) throw bad();
        literal = chunk[0]!;
      }
      if (!failed) {
        if (literal !== s[0]) failed = true;
        s = s.slice(1);
      }
      chunk = chunk.slice(1);
    }
  }
  return failed ? { rest: [], ok: false } : { rest: s, ok: true };
}

function getEscaped(chunkIn: string[], bad: () => BadPatternError): { char: string; rest: string[] } {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === '-' || chunk[0] === ']') throw bad();
  if (chunk[0] === '\\') {
    chunk = chunk.slice(1);
    if (chunk.length === 0) throw bad();
  }
  const char = chunk[0]!;
  const rest = chunk.slice(1);
  if (rest.length === 0) throw bad();
  return { char, rest };
}

/** Compares two characters by code point, as Go compares runes. */
function cmp(a: string, b: string): number {
  return (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0);
}
