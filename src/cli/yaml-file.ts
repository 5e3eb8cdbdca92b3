/** A YAML file named by a flag: its text and value, or BadRequest naming the flag and the file. */
import fs from 'node:fs';
import { parse } from 'yaml';
import { BadRequest } from '../domain/errors.ts';

export function readYamlFile(file: string, flag: string): { text: string; value: unknown } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadRequest(
      `${flag} ${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return { text, value: parse(text) as unknown };
  } catch (error) {
    throw new BadRequest(`${flag} ${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}
