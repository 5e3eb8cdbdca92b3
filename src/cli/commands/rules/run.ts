/** `purser rules …` implementations. */
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, note, text } from '../../output.ts';

export async function list(options: GlobalOptions): Promise<CommandResult<unknown[]>> {
  const { rules } = await callApi<{ rules: unknown[] }>(options, { method: 'GET', path: '/api/v1/rules' });
  return {
    data: rules,
    blocks: [
      text(rules.length === 0 ? '# no rules: the access model alone decides\n[]\n' : stringify(rules)),
    ],
  };
}

export async function set(file: string, options: GlobalOptions): Promise<CommandResult> {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadRequest(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = parse(source);
  } catch (error) {
    throw new BadRequest(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) value = [];
  if (!Array.isArray(value) && typeof value === 'object' && value !== null && 'rules' in value)
    value = (value as { rules: unknown }).rules;
  if (!Array.isArray(value)) throw new BadRequest(`${file}: expected a YAML list of rules`);
  const { rules } = await callApi<{ rules: unknown[] }>(options, {
    method: 'PUT',
    path: '/api/v1/rules',
    body: value,
  });
  return { blocks: [note(`${rules.length} rule${rules.length === 1 ? '' : 's'} in force`)] };
}
