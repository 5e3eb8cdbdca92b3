/**
 * Tokens via Docker's GET /token with Basic credentials (verified once, then cached), 50
 * connections, a different repository per request: every token is decided and signed (token
 * reuse cannot help; tokens-repeat measures it).
 */
import { SERVICE } from '../lib/fixture-model.ts';
import {
  basicAuth,
  DISTINCT_SCOPE,
  expectToken,
  runTokenScenario,
  SCOPE,
  TOKEN_TARGET,
} from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

export const tokensBasic: Scenario = {
  name: 'tokens-basic',
  title: 'tokens via cached Basic (GET /token), 50 connections',
  target: TOKEN_TARGET,
  run: (options) =>
    runTokenScenario(
      options,
      async (url) => {
        const first = `/token?${new URLSearchParams({ service: SERVICE, scope: SCOPE }).toString()}`;
        const headers = { authorization: basicAuth('u1') };
        const body = await expectToken(await fetch(`${url}${first}`, { headers }), 'GET /token with Basic');
        if (!String(body.token).includes('.')) throw new Error('not a JWT');
        return {
          method: 'GET',
          path: `/token?service=${encodeURIComponent(SERVICE)}&scope=${DISTINCT_SCOPE}`,
          headers,
        };
      },
      'GET /token with Basic u1 (credential cache warm), a distinct scope per request',
    ),
};
