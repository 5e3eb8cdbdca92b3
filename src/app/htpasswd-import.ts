/**
 * htpasswd import: new users are created with their bcrypt hash kept as-is (verified on login,
 * re-hashed to argon2id after the first successful one). Users that already exist are skipped
 * and reported, unless `update`, which replaces their password hash (and only that). Lines
 * that are not `name:bcrypt-hash`, and names that are not valid user names, are reported by
 * line number; valid lines are imported anyway.
 */
import { nameProblem } from '../domain/entity-names.ts';
import { parsePrivileges } from '../domain/privilege.ts';
import { parseHtpasswd } from '../identity/htpasswd.ts';
import type { UserWriter } from '../store/writers/user-writer.ts';

export interface HtpasswdImport {
  /** The htpasswd file (name:bcrypt-hash lines). */
  readonly content: string;
  /** Replace the password hash of users that already exist (default: skip them). */
  readonly update?: boolean | undefined;
  /** Groups and privileges of the users created. */
  readonly groups?: readonly string[] | undefined;
  readonly privileges?: readonly string[] | undefined;
}

export interface HtpasswdImportResult {
  readonly created: string[];
  readonly updated: string[];
  readonly skipped: { name: string; reason: string }[];
  readonly problems: string[];
}

export async function importHtpasswd(
  input: HtpasswdImport,
  deps: {
    /** The kind of principal holding the name now, if any. */
    readonly existing: (name: string) => 'user' | 'service' | 'robot' | undefined;
    readonly writer: UserWriter;
  },
): Promise<HtpasswdImportResult> {
  const parsed = parseHtpasswd(input.content);
  const result: HtpasswdImportResult = {
    created: [],
    updated: [],
    skipped: [],
    problems: [...parsed.problems],
  };
  const privileges = parsePrivileges(input.privileges ?? []);
  for (const entry of parsed.entries) {
    if (nameProblem('user', entry.name) !== undefined) {
      result.problems.push(`line ${entry.line}: ${entry.name}: not a valid user name`);
      continue;
    }
    const exists = deps.existing(entry.name);
    if (exists && exists !== 'user') {
      result.problems.push(`line ${entry.line}: ${entry.name}: the name is used by a ${exists}`);
      continue;
    }
    if (exists && !input.update) {
      result.skipped.push({ name: entry.name, reason: 'exists (use update to replace the password)' });
      continue;
    }
    try {
      if (exists) {
        await deps.writer.upsert({ name: entry.name, passwordHash: entry.hash });
        result.updated.push(entry.name);
      } else {
        await deps.writer.upsert({
          name: entry.name,
          passwordHash: entry.hash,
          groups: input.groups ?? [],
          privileges,
        });
        result.created.push(entry.name);
      }
    } catch (error) {
      result.problems.push(`line ${entry.line}: ${entry.name}: ${(error as Error).message}`);
    }
  }
  return result;
}
