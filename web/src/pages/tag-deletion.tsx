/**
 * Deleting several tags of a repository at once: one confirmation, then one call per tag so the
 * page can show how far it got ("n of m deleted", a progress bar) and, per tag, the server's
 * message when a tag could not be deleted. Each call is the API's safe deletion: a tag that
 * shares its digest with a tag that stays is re-pointed and removed without touching the other.
 */
import { useEffect, useRef, useState } from 'react';
import { call } from '../api/client.ts';
import { messageOf } from '../components/ui.tsx';

export interface TagDeletionRun {
  readonly tags: readonly string[];
  readonly done: number;
  readonly deleted: readonly string[];
  readonly failed: readonly { readonly tag: string; readonly message: string }[];
  readonly running: boolean;
}

/** Starts a run with `start(tags)`; `run` is its state as it goes. */
export function useTagDeletion(service: string, repository: string, onFinished: () => void) {
  const [run, setRun] = useState<TagDeletionRun>();
  const start = async (tags: readonly string[]) => {
    let state: TagDeletionRun = { tags, done: 0, deleted: [], failed: [], running: true };
    setRun(state);
    for (const tag of tags) {
      try {
        const outcome = await call('deleteRegistriesServiceTagsName', {
          params: { service, '*': `${repository}:${tag}` },
        });
        state = {
          ...state,
          deleted: [...state.deleted, ...outcome.deleted],
          failed:
            outcome.deleted.length > 0
              ? state.failed
              : [
                  ...state.failed,
                  { tag, message: `not deleted (${outcome.missing.join(', ') || 'no change'})` },
                ],
        };
      } catch (error) {
        state = { ...state, failed: [...state.failed, { tag, message: messageOf(error) }] };
      }
      state = { ...state, done: state.done + 1 };
      setRun(state);
    }
    setRun({ ...state, running: false });
    onFinished();
  };
  return { run, start, clear: () => setRun(undefined) };
}

/** Tags outside `selected` that share a digest with a selected tag: they stay. */
export function keptSiblings(
  tags: readonly { readonly tag: string; readonly digest: string | null }[],
  selected: ReadonlySet<string>,
): string[] {
  const doomed = new Set(tags.filter((t) => selected.has(t.tag) && t.digest).map((t) => t.digest));
  return tags.filter((t) => !selected.has(t.tag) && t.digest && doomed.has(t.digest)).map((t) => t.tag);
}

export function TagDeletionProgress({ run, onClose }: { run: TagDeletionRun; onClose: () => void }) {
  const total = run.tags.length;
  const region = useRef<HTMLElement>(null);
  // Keyboard users land on the progress, not on the disabled "Delete selected" button.
  useEffect(() => region.current?.focus(), []);
  return (
    <section aria-labelledby="tag-deletion-title" className="panel" ref={region} tabIndex={-1}>
      <h2 id="tag-deletion-title">{run.running ? 'Deleting tags' : 'Tags deleted'}</h2>
      <progress aria-label="Tags processed" value={run.done} max={total} />
      <output>
        {run.deleted.length} of {total} deleted
        {run.running ? ` (working on ${run.tags[run.done] ?? '…'})` : '.'}
        {!run.running && run.deleted.length > 0 && ` Deleted ${run.deleted.join(', ')}.`}
      </output>
      {run.failed.length > 0 && (
        <div role="alert" className="error">
          <p>
            {run.failed.length} {run.failed.length === 1 ? 'tag was' : 'tags were'} not deleted:
          </p>
          <ul>
            {run.failed.map((f) => (
              <li key={f.tag}>
                <code>{f.tag}</code>: {f.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      {!run.running && (
        <button type="button" onClick={onClose}>
          Close
        </button>
      )}
    </section>
  );
}
