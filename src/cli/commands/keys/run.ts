/** `purser keys …` implementations. */
import { callApi } from '../../api-client.ts';
import { printJson, printTable } from '../../output.ts';

type Options = Record<string, unknown>;
interface KeyView {
  kid: string;
  state: string;
  signing: boolean;
  created: string;
  notAfter: string;
}

export async function list(options: Options): Promise<void> {
  const { keys } = (await callApi(options, { method: 'GET', path: '/api/v1/keys' })) as { keys: KeyView[] };
  if (options.json) return printJson(keys);
  printTable(
    ['KID', 'STATE', 'CREATED', 'NOT AFTER'],
    keys.map((k) => [k.kid, k.signing ? `${k.state} (signing)` : k.state, k.created, k.notAfter]),
  );
}

export async function rotate(options: Options): Promise<void> {
  const result = (await callApi(options, {
    method: 'POST',
    path: '/api/v1/keys/rotate',
    body: { stage: options.stage === true },
  })) as { kid: string; staged: boolean };
  process.stderr.write(
    result.staged
      ? 'staged a new key: it is published but does not sign yet. Give registries the new bundle, then run "purser keys rotate".\n'
      : 'the new key signs from now on; the previous key stays published. Give registries the new bundle (purser registry config SERVICE --format bundle).\n',
  );
  process.stdout.write(`${result.kid}\n`);
}

export async function retire(kid: string, options: Options): Promise<void> {
  await callApi(options, { method: 'POST', path: `/api/v1/keys/${encodeURIComponent(kid)}/retire` });
  process.stderr.write(`retired key ${kid}\n`);
}
