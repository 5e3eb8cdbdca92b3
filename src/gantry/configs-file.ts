/**
 * Gantry's `GANTRY_REGISTRY_CONFIGS_FILE`: one credential per line,
 * `<configuration> <registry> <user> <password>`, separated by tabs or spaces; blank lines and
 * lines starting with `#` (after leading whitespace) are skipped. Parsed the way Gantry's shell
 * loop reads it (`tr '\t' ' '` then `read -r CONFIG HOST USER PASSWORD OTHERS`), so a password
 * cannot contain whitespace and inline comments are not comments. Unlike Gantry, every problem is
 * returned with its line number at once, and a trailing CR (a file saved on Windows) is dropped
 * instead of becoming part of the password.
 */
import { normalizeRegistryAddress, parseRegistryAddress } from '../domain/registry-address.ts';
import type { GantryCredential, InputProblem } from './gantry-credential.ts';

export interface ConfigsFileResult {
  readonly credentials: readonly GantryCredential[];
  readonly problems: readonly InputProblem[];
}

/** Gantry's own wording, so people searching their Gantry logs recognise it. */
const SHAPE = 'A line should contain exactly "<CONFIG> <HOST> <USER> <PASSWORD>".';

/** Parses the text of a configs file; `file` names it in sources and messages. */
export function parseConfigsFile(text: string, file: string): ConfigsFileResult {
  const credentials: GantryCredential[] = [];
  const problems: InputProblem[] = [];
  const lines = text.split('\n');
  for (const [index, rawLine] of lines.entries()) {
    const lineNumber = index + 1;
    const line = rawLine.replace(/\r$/, '').replaceAll('\t', ' ').trim();
    if (line === '' || line.startsWith('#')) continue;
    const fields = line.split(/ +/);
    const where = `${file} line ${lineNumber}`;
    if (fields.length > 4) {
      problems.push({
        source: where,
        file,
        line: lineNumber,
        message: `format error. Found extra item(s). ${SHAPE}`,
      });
      continue;
    }
    if (fields.length < 4) {
      problems.push({
        source: where,
        file,
        line: lineNumber,
        message: `format error. Missing item(s). ${SHAPE}`,
      });
      continue;
    }
    const [configuration, host, username, password] = fields as [string, string, string, string];
    const registry = registryOf(host);
    if (typeof registry !== 'string') {
      problems.push({ source: where, file, line: lineNumber, message: registry.problem });
      continue;
    }
    credentials.push({ configuration, host, registry, username, password, source: where, line: lineNumber });
  }
  return { credentials, problems };
}

/**
 * The registry column as the vault address (`host[:port]`, Docker Hub aliases folded). Docker
 * login accepts `https://host` too, so a scheme or path is tolerated and stripped here.
 */
export function registryOf(host: string): string | { problem: string } {
  if (host === '') return 'docker.io';
  try {
    return parseRegistryAddress(normalizeRegistryAddress(host));
  } catch (error) {
    return { problem: `registry "${host}" is not a host or host:port: ${(error as Error).message}` };
  }
}
