/**
 * A pull storm: 50 connections asking for the same scope with the same cached Basic credentials,
 * as a rollout over many nodes does. Every request is authenticated, decided and audited; with
 * token reuse (the default) the signature of an identical grant is saved. Compared with a bare
 * Fastify route that signs one ES256 token per request (GET /sign) in the same run.
 */
import { SERVICE } from '../lib/fixture-model.ts';
import { basicAuth, expectToken, runTokenScenario, SCOPE } from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

const TARGET = '>= 1.5 x the bare signing route (GET /sign); p99 <= 10 ms';

export const tokensRepeat: Scenario = {
  name: 'tokens-repeat',
  title: 'identical token requests via cached Basic (GET /token), 50 connections',
  target: TARGET,
  run: (options) =>
    runTokenScenario(
      options,
      async (url) => {
        const path = `/token?${new URLSearchParams({ service: SERVICE, scope: SCOPE }).toString()}`;
        const headers = { authorization: basicAuth('u1') };
        const first = await expectToken(await fetch(`${url}${path}`, { headers }), 'GET /token with Basic');
        const second = await expectToken(await fetch(`${url}${path}`, { headers }), 'GET /token again');
        if (first.token !== second.token)
          throw new Error('the identical grant was signed again: token reuse is off');
        return { method: 'GET', path, headers };
      },
      'GET /token with Basic u1, the same scope every time (token reuse)',
      { baseline: 'signing-route', minRatio: 1.5, maxP99Ms: 10, target: TARGET },
    ),
};
