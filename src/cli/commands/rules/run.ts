/** `purser rules …` implementations. */
import fs from 'node:fs';
import { parse, stringify } from 'yaml';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { printJson } from '../../output.ts';

type Options = Record<string, unknown>;

export async function list(options: Options): Promise<void> {
  const { rules } = (await callApi(options, { method: 'GET', path: '/api/v1/rules' })) as {
    rules: unknown[];
  };
  if (options.json) return printJson(rules);
  process.stdout.write(
    rules.length === 0 ? '# no rules: the access model alone decides\n[]\n' : stringify(rules),
  );
}

export async function set(file: string, options: Options): Promise<void> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new BadRequest(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  let value: unknown;
  try {
    value = parse(text);
  } catch (error) {
    throw new BadRequest(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (value === null || value === undefined) value = [];
  if (!Array.isArray(value) && typeof value === 'object' && value !== null && 'rules' in value)
    value = (value as { rules: unknown }).rules;
  if (!Array.isArray(value)) throw new BadRequest(`${file}: expected a YAML list of rules`);
  const { rules } = (await callApi(options, { method: 'PUT', path: '/api/v1/rules', body: value })) as {
    rules: unknown[];
  };
  process.stderr.write(`${rules.length} rule${rules.length === 1 ? '' : 's'} in force\n`);
}
