/** Identities: "Explain", the decision and the seed clause or rule behind each action. */
import { type FormEvent, useState } from 'react';
import { call } from '../api/client.ts';
import type { Responses } from '../api/responses.ts';
import { ErrorLine, Field } from '../components/ui.tsx';

export function Explain() {
  const [account, setAccount] = useState('');
  const [service, setService] = useState('');
  const [scope, setScope] = useState('');
  const [result, setResult] = useState<{ data?: Responses<'getExplain'>; error?: unknown }>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      setResult({ data: await call('getExplain', { query: { account, service, scope } }) });
    } catch (error) {
      setResult({ error });
    }
  };
  return (
    <section aria-labelledby="explain-title">
      <h2 id="explain-title">Explain</h2>
      <form onSubmit={submit} className="panel" aria-label="Explain">
        <Field label="Principal" value={account} onChange={setAccount} required />
        <Field label="Registry service" value={service} onChange={setService} required />
        <Field
          label="Scope"
          value={scope}
          onChange={setScope}
          placeholder="repository:team/app:pull,push"
          required
        />
        <button type="submit">Explain</button>
      </form>
      <ErrorLine error={result?.error} />
      {result?.data?.explanations.map((e) => (
        <table key={`${e.registry}:${e.resource.type}:${e.resource.name}`}>
          <caption>
            {e.principal.name} on {e.resource.type}:{e.resource.name}: granted{' '}
            {e.granted.join(', ') || 'nothing'}
          </caption>
          <thead>
            <tr>
              <th scope="col">Action</th>
              <th scope="col">Decision</th>
              <th scope="col">Decided by</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {e.actions.map((a) => (
              <tr key={a.action}>
                <td>{a.action}</td>
                <td>{a.allowed ? 'allowed' : 'denied'}</td>
                <td>
                  {a.decidedBy === 'rule'
                    ? `rule ${a.rule ? JSON.stringify(a.rule) : ''}`
                    : `seed: ${a.clause}`}
                </td>
                <td>{a.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
    </section>
  );
}
