/**
 * RFC 8288 `Link` headers as Distribution sends them for paginated `/v2/_catalog` and
 * `/v2/<name>/tags/list`: `</v2/_catalog?last=b&n=100>; rel="next"`. The target may be relative.
 */

/** The absolute URL of the `rel="next"` link, or undefined when there is no next page. */
export function parseNextLink(header: string | null | undefined, base: string): string | undefined {
  if (!header) return undefined;
  for (const part of splitLinks(header)) {
    const match = /^\s*<([^>]*)>\s*(.*)$/.exec(part);
    if (!match) continue;
    const params = match[2]!.split(';').map((p) => p.trim());
    const isNext = params.some((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return false;
      const name = p.slice(0, eq).trim().toLowerCase();
      const value = p
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1');
      return name === 'rel' && value.split(/\s+/).includes('next');
    });
    if (!isNext) continue;
    try {
      return new URL(match[1]!, base).toString();
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Splits on commas that are outside `<…>` and quoted strings. */
function splitLinks(header: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inAngle = false;
  let inQuote = false;
  for (const ch of header) {
    if (ch === '<' && !inQuote) inAngle = true;
    else if (ch === '>' && !inQuote) inAngle = false;
    else if (ch === '"' && !inAngle) inQuote = !inQuote;
    if (ch === ',' && !inAngle && !inQuote) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') parts.push(current);
  return parts;
}
