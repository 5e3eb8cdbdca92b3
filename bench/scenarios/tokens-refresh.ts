/** Tokens via the OAuth2 refresh-token grant (POST /token), 50 connections. */

import { PASSWORD } from '../lib/fixture-model.ts';
import {
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
        return { method: 'POST', path: '/token', headers: FORM_HEADERS, body };
      },
      'POST /token grant_type=refresh_token',
    ),
};
