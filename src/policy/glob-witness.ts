/**
 * A repository name that matches two globs at once (or one), for the access review's
 * "some repository under this prefix" questions: `apps/shop/*` and a rule's `apps/*\/web`
 * overlap in `apps/shop/web`. The answer is found by a breadth-first walk over the product of
 * the two patterns' automata and a third one that accepts only valid repository names
 * (distribution's path components: lower-case letters and digits, separated by `.`, `_`, `__`
 * or dashes), so a witness can always be asked of /token. The patterns with `x` for their
 * wildcards are tried first; otherwise the walk finds the shortest witness. Placeholders (`${account}`, `${group}`) must be substituted before.
 */

import { isRepositoryName } from '../domain/access.ts';
import { matchGlob } from './matchers.ts';

type Token =
  | { readonly t: 'lit'; readonly c: string }
  | { readonly t: 'one' }
  | { readonly t: 'star' }
  | { readonly t: 'any' }
  | { readonly t: 'anyDir' };

const FILLER = 'x';
const MAX_LENGTH = 255;
const MAX_STATES = 20_000;

/** The glob's tokens (the syntax of matchers.ts: `*`, `**`, `**` `/`, `?`, literals). */
export function globTokens(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      let j = i + 2;
      while (pattern[j] === '*') j++;
      if (pattern[j] === '/') {
        tokens.push({ t: 'anyDir' });
        i = j + 1;
      } else {
        tokens.push({ t: 'any' });
        i = j;
      }
    } else if (c === '*') {
      tokens.push({ t: 'star' });
      i++;
    } else if (c === '?') {
      tokens.push({ t: 'one' });
      i++;
    } else {
      tokens.push({ t: 'lit', c });
      i++;
    }
  }
  return tokens;
}

/** True when the pattern has a wildcard (`*` or `?`). */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

/** The literal text before the first wildcard. */
export function literalPrefix(pattern: string): string {
  const star = pattern.search(/[*?]/);
  return star < 0 ? pattern : pattern.slice(0, star);
}

/** Cheap test: two patterns whose literal prefixes disagree cannot overlap. */
export function prefixesCompatible(a: string, b: string): boolean {
  const pa = literalPrefix(a);
  const pb = literalPrefix(b);
  const n = Math.min(pa.length, pb.length);
  return pa.slice(0, n) === pb.slice(0, n);
}

/** NFA states: 2*i = before token i, 2*i+1 = inside the `**` `/` of token i. */
function closure(tokens: readonly Token[], states: Iterable<number>): number[] {
  const seen = new Set<number>();
  const stack = [...states];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    if (s % 2 === 0) {
      const token = tokens[s / 2];
      if (token && token.t !== 'lit' && token.t !== 'one') stack.push(s + 2);
    }
  }
  return [...seen];
}

function step(tokens: readonly Token[], state: number, c: string): number[] {
  const i = state >> 1;
  const token = tokens[i];
  if (!token) return [];
  if (state % 2 === 1) return c === '/' ? [state, 2 * (i + 1)] : [state];
  switch (token.t) {
    case 'lit':
      return token.c === c ? [2 * (i + 1)] : [];
    case 'one':
      return c === '/' ? [] : [2 * (i + 1)];
    case 'star':
      return c === '/' ? [] : [state];
    case 'any':
      return [state];
    case 'anyDir':
      return c === '/' ? [state + 1, 2 * (i + 1)] : [state + 1];
  }
}

/** Repository-name automaton: 0 component start, 1 after alnum, 2 after `.`, 3 `_`, 4 `__`, 5 `-`. */
function nameStep(v: number, c: string): number {
  if (/[a-z0-9]/.test(c)) return 1;
  if (c === '/') return v === 1 ? 0 : -1;
  if (c === '.') return v === 1 ? 2 : -1;
  if (c === '_') return v === 1 ? 3 : v === 3 ? 4 : -1;
  if (c === '-') return v === 1 || v === 5 ? 5 : -1;
  return -1;
}

/**
 * The shortest valid repository name matching every pattern of `all` (one or more) and none
 * of `none`, or undefined when there is none (or only names no registry accepts).
 */
export function globWitness(all: readonly string[], none: readonly string[] = []): string | undefined {
  if (all.length === 0) throw new TypeError('globWitness needs at least one pattern');
  for (let i = 1; i < all.length; i++) if (!prefixesCompatible(all[0]!, all[i]!)) return undefined;
  // A negative that cannot meet the positives' prefix never matches: leave it out.
  const relevant = none.filter((n) => all.every((a) => prefixesCompatible(a, n)));
  // Fast path: a pattern with its wildcards filled in often does; the walk is for the rest.
  for (const pattern of all) {
    const guess = pattern.replace(/\*\*\/|\*+|\?/g, (m) => (m.endsWith('/') ? '' : FILLER));
    if (
      isRepositoryName(guess) &&
      all.every((a) => matchGlob(a, guess)) &&
      !relevant.some((n) => matchGlob(n, guess))
    )
      return guess;
  }
  const positives = all.map(globTokens);
  const negatives = relevant.map(globTokens);
  const automata = [...positives, ...negatives];
  const literals = new Set<string>();
  for (const tokens of automata) for (const token of tokens) if (token.t === 'lit') literals.add(token.c);
  // Characters no pattern names all behave alike: one of them stands for the rest.
  const filler = [FILLER, 'y', 'z', 'q', 'k', 'j'].find((c) => !literals.has(c)) ?? FILLER;
  const letters = [filler, ...[...literals].filter((c) => c !== filler && nameStep(1, c) >= 0).sort()];
  if (!letters.includes('/')) letters.push('/');
  const accepts = automata.map((tokens) => 2 * tokens.length);
  const p = positives.length;
  type Node = { sets: number[][]; v: number; text: string };
  const key = (sets: number[][], v: number) =>
    `${sets.map((set) => [...set].sort((x, y) => x - y).join(',')).join('|')}|${v}`;
  const start: Node = { sets: automata.map((tokens) => closure(tokens, [0])), v: 0, text: '' };
  const seen = new Set<string>([key(start.sets, 0)]);
  let frontier: Node[] = [start];
  while (frontier.length > 0) {
    const next: Node[] = [];
    for (const node of frontier) {
      if (
        node.v === 1 &&
        node.sets.every((set, i) => (i < p ? set.includes(accepts[i]!) : !set.includes(accepts[i]!)))
      )
        return node.text;
      if (node.text.length >= MAX_LENGTH) continue;
      for (const c of letters) {
        const v = nameStep(node.v, c);
        if (v < 0) continue;
        const sets: number[][] = [];
        let dead = false;
        for (let i = 0; i < automata.length; i++) {
          const tokens = automata[i]!;
          const set = closure(
            tokens,
            node.sets[i]!.flatMap((state) => step(tokens, state, c)),
          );
          if (i < p && set.length === 0) {
            dead = true;
            break;
          }
          sets.push(set);
        }
        if (dead) continue;
        const k = key(sets, v);
        if (seen.has(k)) continue;
        seen.add(k);
        if (seen.size > MAX_STATES) return undefined;
        next.push({ sets, v, text: node.text + c });
      }
    }
    frontier = next;
  }
  return undefined;
}
