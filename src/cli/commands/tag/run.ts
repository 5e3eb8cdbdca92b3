/** Implementations of `purser tag …` (through the management API). */

import { splitTagReference, type TagDeletionOutcome } from '../../../catalog/tag-service.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;

const svc = (service: string) => encodeURIComponent(service);

export async function list(service: string, repository: string, options: Options): Promise<void> {
  const body = (await callApi(options, {
    method: 'GET',
    path: `/api/v1/registries/${svc(service)}/tags/${repository}`,
  })) as {
    name: string;
    tags: { tag: string; digest: string | null }[];
  };
  if (options.output === 'json') return printJson(body);
  printTable(
    ['TAG', 'DIGEST'],
    body.tags.map((t) => [t.tag, t.digest ?? '(not resolved yet)']),
  );
}

export async function remove(
  service: string,
  references: readonly string[],
  options: Options,
): Promise<void> {
  const all = options.all === true;
  const dryRun = options.dryRun === true;
  const byRepository = new Map<string, string[]>();
  for (const reference of references) {
    const { repository, tag } = splitTagReference(reference);
    if (all) {
      if (tag !== undefined)
        throw new BadRequest(`with --all, name repositories without a tag (got ${reference})`);
      byRepository.set(repository, []);
    } else {
      if (tag === undefined)
        throw new BadRequest(`name the tag: ${reference}:TAG (or use --all for every tag of ${reference})`);
      byRepository.set(repository, [...(byRepository.get(repository) ?? []), tag]);
    }
  }
  const outcomes: TagDeletionOutcome[] = [];
  for (const [repository, tags] of byRepository) {
    const outcome = (await callApi(options, {
      method: 'POST',
      path: `/api/v1/registries/${svc(service)}/tag-deletions`,
      body: { repository, ...(all ? { all: true } : { tags }), dry_run: dryRun },
    })) as TagDeletionOutcome;
    outcomes.push(outcome);
  }
  if (options.output === 'json') return printJson(outcomes);
  for (const o of outcomes) {
    if (o.steps.length === 0) process.stdout.write(`${o.repository}: nothing to delete\n`);
    for (const step of o.steps) {
      const verb = dryRun ? 'would delete' : 'deleted';
      if (step.kind === 'delete-digest') {
        process.stdout.write(
          `${verb} ${step.tags.map((t) => `${o.repository}:${t}`).join(', ')} (manifest ${step.digest}, no other tag uses it)\n`,
        );
      } else {
        process.stdout.write(
          `${verb} ${o.repository}:${step.tag} only (re-pointed to a throwaway manifest; ${step.keeps.join(', ')} keep ${step.digest})\n`,
        );
      }
    }
    for (const tag of o.missing) process.stdout.write(`${o.repository}:${tag}: no such tag\n`);
    if (dryRun && o.deleteEnabled === false) {
      process.stdout.write(
        `note: ${service} has deletes disabled (storage.delete.enabled is false); a real run would fail\n`,
      );
    }
  }
}
