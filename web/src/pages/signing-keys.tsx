/**
 * "Signing keys" (administrators, on the Registries page): the keys that sign tokens and where a
 * rotation stands. A rotation in two steps first publishes a new key (registries fetch the new
 * certificate bundle), then makes it the signer; the previous signer stays published so the
 * tokens it signed keep verifying until it is retired. Each step shows that it is running and
 * then the server's answer or its error message.
 */
import { useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ConfirmDialog, ErrorLine, time, useLoad } from '../components/ui.tsx';

type Key = Responses<'getKeys'>['keys'][number];
type Step = { kind: 'stage' } | { kind: 'rotate' } | { kind: 'retire'; kid: string };

const STATE_LABEL: Record<Key['state'], string> = {
  active: 'Signing',
  published: 'Published',
  retired: 'Retired',
};

/** Where a rotation stands, from the key list (newest first). */
export function rotationState(keys: readonly Key[]): string {
  const signer = keys.find((k) => k.signing);
  const staged = keys.find((k) => k.state === 'published' && signer && k.created > signer.created);
  if (!signer) return 'No key signs tokens yet.';
  if (staged)
    return `Step 1 of 2 done: ${staged.kid} is published but does not sign yet. Give registries the new certificate bundle, then rotate.`;
  const previous = keys.filter((k) => k.state === 'published');
  if (previous.length > 0)
    return `${signer.kid} signs tokens; ${previous.map((k) => k.kid).join(', ')} stays published so its tokens keep verifying.`;
  return `${signer.kid} signs tokens.`;
}

export function SigningKeys() {
  const keys = useLoad(() => call('getKeys', {}), 'keys');
  const [asking, setAsking] = useState<Step>();
  const [running, setRunning] = useState<Step>();
  const [result, setResult] = useState<string>();
  const [error, setError] = useState<unknown>();

  const carryOut = async (step: Step) => {
    setAsking(undefined);
    setRunning(step);
    setResult(undefined);
    setError(undefined);
    try {
      if (step.kind === 'retire') {
        await call('postKeysKidRetire', { params: { kid: step.kid } });
        setResult(`Retired ${step.kid}: it is no longer published.`);
      } else {
        const done = await call('postKeysRotate', { body: { stage: step.kind === 'stage' } });
        setResult(
          done.staged
            ? `Published ${done.kid}; it signs after the next rotation.`
            : `Rotated: ${done.kid} now signs tokens.`,
        );
      }
      keys.reload();
    } catch (e) {
      setError(e);
    } finally {
      setRunning(undefined);
    }
  };

  const busy = running !== undefined;
  return (
    <section aria-labelledby="signing-keys-title">
      <h2 id="signing-keys-title">Signing keys</h2>
      <ErrorLine error={keys.error} />
      {keys.data && <p>{rotationState(keys.data.keys)}</p>}
      <div className="toolbar">
        <button type="button" disabled={busy} onClick={() => setAsking({ kind: 'stage' })}>
          Publish a new key
        </button>
        <button type="button" disabled={busy} onClick={() => setAsking({ kind: 'rotate' })}>
          Rotate signing key
        </button>
      </div>
      {running && (
        <output>
          <progress aria-label="Key change in progress" />{' '}
          {running.kind === 'retire'
            ? `Retiring ${running.kid}…`
            : running.kind === 'stage'
              ? 'Publishing a new key…'
              : 'Rotating the signing key…'}
        </output>
      )}
      {result && <output className="notice">{result}</output>}
      <ErrorLine error={error} />
      {keys.data && (
        <div className="table-scroll">
          <table>
            <caption>Keys, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Key ID</th>
                <th scope="col">State</th>
                <th scope="col">Created</th>
                <th scope="col">Expires</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {keys.data.keys.map((k) => (
                <tr key={k.kid}>
                  <th scope="row">
                    <code>{k.kid}</code>
                  </th>
                  <td>{STATE_LABEL[k.state]}</td>
                  <td>{time(k.created)}</td>
                  <td>{time(k.notAfter)}</td>
                  <td className="row-actions">
                    {k.state !== 'retired' && (
                      <button
                        type="button"
                        disabled={busy}
                        onClick={() => setAsking({ kind: 'retire', kid: k.kid })}
                      >
                        Retire
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {asking && (
        <ConfirmDialog
          title={
            asking.kind === 'retire'
              ? `Retire key ${asking.kid}?`
              : asking.kind === 'stage'
                ? 'Publish a new signing key?'
                : 'Rotate the signing key?'
          }
          confirmLabel={asking.kind === 'retire' ? 'Retire' : asking.kind === 'stage' ? 'Publish' : 'Rotate'}
          onCancel={() => setAsking(undefined)}
          onConfirm={() => carryOut(asking)}
        >
          <p>
            {asking.kind === 'retire'
              ? 'Tokens it signed stop verifying once registries reload the bundle.'
              : asking.kind === 'stage'
                ? 'The new key is published (JWKS and certificate bundle) but does not sign until the next rotation.'
                : 'A published new key (or a fresh one) becomes the signer; the current signer stays published.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
