/**
 * The discovery scenario's same-run baseline (pinned to the server core): the requests a full
 * sync makes, and nothing else. It walks `/v2/_catalog` page by page (n=1000, Link header),
 * then `/v2/<name>/tags/list` for every repository and `HEAD /v2/<name>/manifests/<tag>` for
 * every tag, each with `concurrency` requests in flight, using the runtime's own `fetch`; no
 * store, no index. Input (argv[2]): {registryUrl, concurrency}. Output: {seconds,
 * catalogSeconds, tagsSeconds, repositories, tags, heads, resyncSeconds} (resync: catalog + tags again, no HEAD, as a
 * discovery resync of an unchanged registry does).
 */
import { MANIFEST_ACCEPT } from '../../src/registry-client/registry-client.ts';

interface Input {
  registryUrl: string;
  concurrency: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as Input;
const base = input.registryUrl.replace(/\/+$/, '');

function nextLink(header: string | null): string | undefined {
  const match = header ? /<([^>]*)>\s*;\s*rel="?next"?/.exec(header) : null;
  return match ? new URL(match[1]!, base).toString() : undefined;
}

async function getJson(url: string): Promise<{ body: Record<string, unknown>; next: string | undefined }> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return {
    body: (await response.json()) as Record<string, unknown>,
    next: nextLink(response.headers.get('link')),
  };
}

async function pool<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(input.concurrency, items.length)) }, worker));
}

async function catalog(): Promise<string[]> {
  const names: string[] = [];
  let url: string | undefined = `${base}/v2/_catalog?n=1000`;
  while (url) {
    const page = await getJson(url);
    names.push(...((page.body.repositories as string[] | undefined) ?? []));
    url = page.next;
  }
  return names;
}

async function tagsOf(names: readonly string[]): Promise<{ repository: string; tag: string }[]> {
  const out: { repository: string; tag: string }[] = [];
  await pool(names, async (repository) => {
    let url: string | undefined = `${base}/v2/${repository}/tags/list?n=1000`;
    while (url) {
      const page = await getJson(url);
      for (const tag of (page.body.tags as string[] | null | undefined) ?? []) out.push({ repository, tag });
      url = page.next;
    }
  });
  return out;
}

let started = performance.now();
const names = await catalog();
const catalogSeconds = (performance.now() - started) / 1000;
const tags = await tagsOf(names);
const tagsSeconds = (performance.now() - started) / 1000 - catalogSeconds;
let heads = 0;
await pool(tags, async ({ repository, tag }) => {
  const response = await fetch(`${base}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { accept: MANIFEST_ACCEPT },
  });
  if (!response.ok || !response.headers.get('docker-content-digest'))
    throw new Error(`HEAD ${repository}:${tag}: ${response.status}`);
  heads++;
});
const seconds = (performance.now() - started) / 1000;
started = performance.now();
const again = await tagsOf(await catalog());
const resyncSeconds = (performance.now() - started) / 1000;
if (again.length !== tags.length) throw new Error('the registry changed between the two crawls');
process.stdout.write(
  `${JSON.stringify({ seconds, catalogSeconds, tagsSeconds, resyncSeconds, repositories: names.length, tags: tags.length, heads })}\n`,
);
