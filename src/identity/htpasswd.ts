/**
 * Reads htpasswd files (`name:hash` per line). Only bcrypt hashes ($2y$/$2b$/$2a$) are
 * accepted, like Distribution's htpasswd auth; others are reported by line number.
 */
export interface HtpasswdEntry {
  readonly name: string;
  readonly hash: string;
  readonly line: number;
}

export interface HtpasswdParse {
  readonly entries: HtpasswdEntry[];
  readonly problems: string[];
}

export function parseHtpasswd(text: string): HtpasswdParse {
  const entries: HtpasswdEntry[] = [];
  const problems: string[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    const hash = colon > 0 ? line.slice(colon + 1) : '';
    if (!name || !hash) problems.push(`line ${index + 1}: expected name:hash`);
    else if (!/^\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}$/.test(hash))
      problems.push(`line ${index + 1}: ${name}: only bcrypt hashes are supported`);
    else entries.push({ name, hash, line: index + 1 });
  });
  return { entries, problems };
}
