/**
 * Request validation for the management API with TypeBox: bodies are checked strictly
 * (unknown keys are an error, not silently dropped), query strings and path parameters are
 * converted from text first. Every problem becomes one `part.path: message` line of a 400.
 */
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { BadRequest } from '../../../domain/errors.ts';

const MAX_PROBLEMS = 10;

export function installTypeBoxValidator(api: FastifyInstance): void {
  api.setValidatorCompiler<TSchema>(({ schema, httpPart }) => {
    const check = TypeCompiler.Compile(schema);
    const part = httpPart ?? 'body';
    return (data: unknown) => {
      let value = data;
      if (part === 'body' && (value === undefined || value === null)) value = {};
      else if (part !== 'body') value = Value.Convert(schema, Value.Clone(data));
      if (check.Check(value)) return { value };
      const problems: string[] = [];
      for (const error of check.Errors(value)) {
        const hint = (error.schema as { hint?: string }).hint;
        const where = error.path === '' ? part : `${part}${error.path.replaceAll('/', '.')}`;
        const line = `${where}: ${hint ?? error.message.toLowerCase()}`;
        if (!problems.includes(line)) problems.push(line);
        if (problems.length >= MAX_PROBLEMS) break;
      }
      return { error: new BadRequest(`invalid request: ${problems.join('; ')}`) };
    };
  });
}

export type { FastifySchema };
