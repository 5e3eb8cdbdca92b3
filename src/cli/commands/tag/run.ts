/** Implementations of `purser tag …` (through the management API). */

import { splitTagReference, type TagDeletionOutcome } from '../../../catalog/tag-service.ts';
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import type { GlobalOptions, JsonOption } from '../../options.ts';
import { type CommandResult, table, text } from '../../output.ts';
import type { TagListView } from '../../views.ts';

export interface ListOptions extends GlobalOptions, JsonOption {}

export interface RemoveOptions extends GlobalOptions, JsonOption {
  readonly all?: boolean;
  readonly dryRun?: boolean;
}

const svc = (service: string) => encodeURIComponent(service);

export async function list(
  service: string,
  repository: string,
  options: ListOptions,
): Promise<CommandResult<TagListView>> {
  const body = await callApi<TagListView>(options, {
    method: 'GET',
    path: `/api/v1/registries/${svc(service)}/tags/${repository}`,
  });
  return {
    data: body,
    blocks: [
      table(
        ['TAG', 'DIGEST'],
        body.tags.map((t) => [t.tag, t.digest ?? '(not resolved yet)']),
      ),
    ],
  };
}

export async function remove(
  service: string,
  references: readonly string[],
  options: RemoveOptions,
): Promise<CommandResult<TagDeletionOutcome[]>> {
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
    outcomes.push(
      await callApi<TagDeletionOutcome>(options, {
        method: 'POST',
        path: `/api/v1/registries/${svc(service)}/tag-deletions`,
        body: { repository, ...(all ? { all: true } : { tags }), dry_run: dryRun },
        fields: { 'body.repository': 'REPOSITORY', 'body.tags': 'TAG' },
      }),
    );
  }
  const lines: string[] = [];
  const verb = dryRun ? 'would delete' : 'deleted';
  for (const o of outcomes) {
    if (o.steps.length === 0) lines.push(`${o.repository}: nothing to delete`);
    for (const step of o.steps) {
      lines.push(
        step.kind === 'delete-digest'
          ? `${verb} ${step.tags.map((t) => `${o.repository}:${t}`).join(', ')} (manifest ${step.digest}, no other tag uses it)`
          : `${verb} ${o.repository}:${step.tag} only (re-pointed to a throwaway manifest; ${step.keeps.join(', ')} keep ${step.digest})`,
      );
    }
    for (const tag of o.missing) lines.push(`${o.repository}:${tag}: no such tag`);
    if (dryRun && o.deleteEnabled === false)
      lines.push(
        `note: ${service} has deletes disabled (storage.delete.enabled is false); a real run would fail`,
      );
  }
  return { data: outcomes, blocks: lines.length > 0 ? [text(lines.join('\n'))] : [] };
}
