/**
 * Escaping for values put into LDAP filters (RFC 4515) and distinguished names (RFC 4514).
 * A user name typed at `docker login` ends up in `(uid={username})`; without escaping, `*` or
 * `a)(uid=*` would change what the filter selects.
 *
 * Non-ASCII characters are kept as they are (both RFCs allow UTF-8 in values): ldapts turns a
 * `\xx` escape into one UTF-16 unit, so hex-escaping UTF-8 bytes would corrupt them on the wire.
 */

/** RFC 4515 §3: `\`, `*`, `(`, `)` and NUL must be escaped; other ASCII controls are too. */
export function escapeFilterValue(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '*' || char === '(' || char === ')' || code < 0x20 || code === 0x7f) {
      out += `\\${hex(code)}`;
    } else {
      out += char;
    }
  }
  return out;
}

/** Inverse of escapeFilterValue for any RFC 4515 value (`\xx` sequences are UTF-8 bytes). */
export function unescapeFilterValue(escaped: string): string {
  return unescapeHex(escaped, (char) => {
    throw new SyntaxError(`"\\${char}" is not a filter escape (use \\xx)`);
  });
}

const DN_SPECIALS = new Set(['"', '+', ',', ';', '<', '>', '=', '\\']);

/** RFC 4514 §2.4: the value of one RDN attribute, e.g. `Smith, John` → `Smith\, John`. */
export function escapeDnValue(value: string): string {
  const chars = [...value];
  let out = '';
  chars.forEach((char, i) => {
    const code = char.codePointAt(0)!;
    if (DN_SPECIALS.has(char)) out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\${hex(code)}`;
    else if (i === 0 && (char === '#' || char === ' ')) out += `\\${char}`;
    else if (i === chars.length - 1 && char === ' ') out += '\\ ';
    else out += char;
  });
  return out;
}

/** Inverse of escapeDnValue for any RFC 4514 value (`\c` for a special, `\xx` for a byte). */
export function unescapeDnValue(escaped: string): string {
  return unescapeHex(escaped, (char) => {
    if (DN_SPECIALS.has(char) || char === '#' || char === ' ') return char;
    throw new SyntaxError(`"\\${char}" is not a DN escape`);
  });
}

export type FilterPlaceholder = 'username' | 'dn';

/**
 * Fills `{username}` and `{dn}` in a configured filter with escaped values, in one pass (a value
 * that itself contains `{dn}` is not expanded again).
 */
export function fillFilter(
  template: string,
  values: Readonly<Partial<Record<FilterPlaceholder, string>>>,
): string {
  return template.replace(/\{(username|dn)\}/g, (placeholder, name: FilterPlaceholder) => {
    const value = values[name];
    if (value === undefined) throw new TypeError(`no value for ${placeholder}`);
    return escapeFilterValue(value);
  });
}

function hex(code: number): string {
  return code.toString(16).padStart(2, '0');
}

/** Decodes `\xx` byte escapes (as UTF-8) and, through `single`, one-character escapes. */
function unescapeHex(escaped: string, single: (char: string) => string): string {
  let out = '';
  let bytes: number[] = [];
  const flush = () => {
    if (bytes.length === 0) return;
    out += new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    bytes = [];
  };
  for (let i = 0; i < escaped.length; i++) {
    const char = escaped[i]!;
    if (char !== '\\') {
      flush();
      out += char;
      continue;
    }
    const pair = escaped.slice(i + 1, i + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(pair)) {
      bytes.push(Number.parseInt(pair, 16));
      i += 2;
      continue;
    }
    const next = escaped[i + 1];
    if (next === undefined) throw new SyntaxError('a value cannot end with "\\"');
    flush();
    out += single(next);
    i += 1;
  }
  flush();
  return out;
}
