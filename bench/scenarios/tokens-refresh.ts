/**
 * Tokens via the OAuth2 refresh-token grant (POST /token), 50 connections, a different repository
 * per request (token reuse cannot help: every token is signed).
 */

import { PASSWORD, SERVICE } from '../lib/fixture-model.ts';
import {
  DISTINCT_SCOPE,
  expectToken,
  FORM_HEADERS,
  runTokenScenario,
  TOKEN_TARGET,
  tokenForm,
} from '../lib/token-scenario.ts';
import type { Scenario } from '../lib/types.ts';

export const tokensRefresh: Scenario = {
  name: 'tokens-refresh',
  title: 'tokens via refresh-token grant (POST /token), 50 connections',
  target: TOKEN_TARGET,
  run: (options) =>
    runTokenScenario(
      options,
      async (url) => {
        const login = await fetch(`${url}/token`, {
          method: 'POST',
          headers: FORM_HEADERS,
          body: tokenForm({
            grant_type: 'password',
            username: 'u1',
            password: PASSWORD,
            access_type: 'offline',
            client_id: 'bench',
          }),
        });
        const refresh = (await expectToken(login, 'password grant with access_type=offline')).refresh_token;
        if (typeof refresh !== 'string') throw new Error('no refresh_token in the password grant response');
        const body = tokenForm({ grant_type: 'refresh_token', refresh_token: refresh, client_id: 'bench' });
        await expectToken(
          await fetch(`${url}/token`, { method: 'POST', headers: FORM_HEADERS, body }),
          'refresh-token grant',
        );
        // The load generator puts its counter where `{n}` is, after encoding.
        const distinct = `${new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refresh, client_id: 'bench', service: SERVICE }).toString()}&scope=${DISTINCT_SCOPE}`;
        return { method: 'POST', path: '/token', headers: FORM_HEADERS, body: distinct };
      },
      'POST /token grant_type=refresh_token',
    ),
};
