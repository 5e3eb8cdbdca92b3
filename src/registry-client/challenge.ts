/**
 * Parsing `WWW-Authenticate` challenges as registries send them (RFC 7235 auth-params):
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a:pull"`,
 * `Basic realm="Registry Realm"`. Quoted strings may contain commas and escaped quotes.
 */

export interface AuthChallenge {
  /** Lowercased scheme: `basic`, `bearer`, … */
  readonly scheme: string;
  /** Parameters with lowercased names. */
  readonly params: Readonly<Record<string, string>>;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

/** Parses one header value, which may hold several challenges. Unparseable text yields []. */
export function parseChallenges(header: string | null | undefined): AuthChallenge[] {
  if (!header) return [];
  const challenges: { scheme: string; params: Record<string, string> }[] = [];
  let rest = header.trim();
  let current: { scheme: string; params: Record<string, string> } | undefined;
  while (rest.length > 0) {
    rest = rest.replace(/^[\s,]+/, '');
    if (rest === '') break;
    const name = TOKEN.exec(rest)?.[0];
    if (!name) break;
    const after = rest.slice(name.length);
    const eq = /^\s*=\s*/.exec(after);
    if (eq && current) {
      // auth-param: name=value
      let valueText = after.slice(eq[0].length);
      let value: string;
      if (valueText.startsWith('"')) {
        let i = 1;
        value = '';
        while (i < valueText.length && valueText[i] !== '"') {
          if (valueText[i] === '\\' && i + 1 < valueText.length) i += 1;
          value += valueText[i];
          i += 1;
        }
        valueText = valueText.slice(i + 1);
      } else {
        const token = /^[^,\s]*/.exec(valueText)?.[0] ?? '';
        value = token;
        valueText = valueText.slice(token.length);
      }
      current.params[name.toLowerCase()] = value;
      rest = valueText;
      continue;
    }
    // A new challenge: scheme [token68 | params]
    current = { scheme: name.toLowerCase(), params: {} };
    challenges.push(current);
    rest = after;
  }
  return challenges;
}

/** The first challenge with the given scheme, if any. */
export function findChallenge(
  header: string | null | undefined,
  scheme: 'basic' | 'bearer',
): AuthChallenge | undefined {
  return parseChallenges(header).find((c) => c.scheme === scheme);
}
