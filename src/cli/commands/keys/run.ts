/** `purser keys …` implementations. */
import { BadRequest } from '../../../domain/errors.ts';
import { callApi } from '../../api-client.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, note, table, text } from '../../output.ts';
import type { KeyView } from '../../views.ts';

export interface ExportOptions extends GlobalOptions {
  readonly pem?: boolean;
}

export async function exportPem(kid: string | undefined, options: ExportOptions): Promise<CommandResult> {
  if (options.pem !== true) throw new BadRequest('keys export needs --pem (the only format it writes)');
  const { exportSigningKey } = await import('../../../app/key-export.ts');
  const exported = await exportSigningKey({ config: options.config, server: options.server, kid });
  return { blocks: [text(exported.pem.endsWith('\n') ? exported.pem.slice(0, -1) : exported.pem)] };
}

export interface RotateOptions extends GlobalOptions {
  readonly stage?: boolean;
}

export async function list(options: GlobalOptions): Promise<CommandResult<KeyView[]>> {
  const { keys } = await callApi<{ keys: KeyView[] }>(options, { method: 'GET', path: '/api/v1/keys' });
  return {
    data: keys,
    blocks: [
      table(
        ['KID', 'STATE', 'CREATED', 'NOT AFTER'],
        keys.map((k) => [k.kid, k.signing ? `${k.state} (signing)` : k.state, k.created, k.notAfter]),
      ),
    ],
  };
}

export async function rotate(options: RotateOptions): Promise<CommandResult> {
  const result = await callApi<{ kid: string; staged: boolean }>(options, {
    method: 'POST',
    path: '/api/v1/keys/rotate',
    body: { stage: options.stage === true },
  });
  return {
    blocks: [
      note(
        result.staged
          ? 'staged a new key: it is published but does not sign yet. Give registries the new bundle, then run "purser keys rotate".'
          : 'the new key signs from now on; the previous key stays published. Give registries the new bundle (purser registry config SERVICE --format bundle).',
      ),
      text(result.kid),
    ],
  };
}

export async function retire(kid: string, options: GlobalOptions): Promise<CommandResult> {
  await callApi(options, { method: 'POST', path: `/api/v1/keys/${encodeURIComponent(kid)}/retire` });
  return { blocks: [note(`retired key ${kid}`)] };
}
