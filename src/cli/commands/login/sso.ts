/**
 * `purser login --sso REGISTRY`: log in through the OIDC identity source, get a CLI secret, and
 * store it in the vault for REGISTRY (what docker, skopeo and podman then send as the password).
 *
 * The server talks to the provider and holds the client secret; this side only relays. The
 * device flow is used when the provider offers it (the code and URL are printed on stderr);
 * otherwise a loopback receiver on 127.0.0.1 takes the browser's redirect (RFC 8252 §7.3).
 * With --server both calls go to that server; without, to the local data directory, opened once
 * for both calls (the pending login lives in that process).
 */

import { openLocalVault } from '../../../app/local-vault.ts';
import type { SsoResult, SsoStart } from '../../../app/sso-service.ts';
import { BadRequest, Unauthorized } from '../../../domain/errors.ts';
import { normalizeRegistryAddress, parseRegistryAddress } from '../../../domain/registry-address.ts';
import { startLoopbackReceiver } from '../../../identity/sources/oidc-loopback.ts';
import { localActor } from '../../../vault/actor.ts';
import { parseEnvironmentName } from '../../../vault/environment-settings.ts';
import { callApi, serverOf } from '../../api-client.ts';
import { openLocalRuntime } from '../../local-runtime.ts';
import type { GlobalOptions } from '../../options.ts';
import { type CommandResult, text } from '../../output.ts';

export interface SsoLoginOptions extends GlobalOptions {
  readonly source?: string;
  readonly env?: string;
  /** `--no-store` makes this false. */
  readonly store: boolean;
  /** Seconds the person has to complete the login. */
  readonly timeout?: number;
}

interface SsoClient {
  begin(body: { source?: string; redirect_uri?: string }): Promise<SsoStart>;
  finish(body: { handle: string; callback?: string }): Promise<SsoResult>;
  close(): Promise<void>;
}

export async function ssoLogin(
  registry: string,
  options: SsoLoginOptions,
  say: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<CommandResult<{ user: string; source: string; registry: string; stored: boolean }>> {
  const address = parseRegistryAddress(normalizeRegistryAddress(registry));
  const env = parseEnvironmentName(options.env);
  const timeoutMs = (options.timeout ?? 300) * 1000;
  const client = await openClient(options);
  let result: SsoResult;
  try {
    const source = options.source === undefined ? {} : { source: options.source };
    const started = await client.begin(source);
    if (started.flow === 'device') {
      say(
        `To log in through ${started.source}, open ${started.verificationUri} and enter the code ${started.userCode}`,
      );
      if (started.verificationUriComplete) say(`(or open ${started.verificationUriComplete})`);
      result = await client.finish({ handle: started.handle });
    } else {
      let state: string | undefined;
      const receiver = await startLoopbackReceiver({ expectedState: () => state, timeoutMs });
      try {
        const begun = await client.begin({ ...source, redirect_uri: receiver.redirectUri });
        if (begun.flow !== 'loopback') throw new BadRequest('the server did not start a browser login');
        state = new URL(begun.url).searchParams.get('state') ?? undefined;
        say(`To log in through ${begun.source}, open this URL in a browser on this machine:\n${begun.url}`);
        const callback = await receiver.callback;
        result = await client.finish({ handle: begun.handle, callback: callback.href });
      } finally {
        receiver.close();
      }
    }
  } finally {
    await client.close();
  }
  if (!result.secret) throw new Unauthorized('the server issued no CLI secret');
  const data = {
    user: result.user,
    source: result.source,
    registry: address,
    stored: options.store !== false,
  };
  const done = text(`Logged in as ${result.user} through ${result.source}`);
  if (options.store === false) return { data, blocks: [done, text(result.secret)] };
  const local = await openLocalVault({ config: options.config, server: options.server });
  try {
    await local.vault.add(
      { environment: env, address, username: result.user, secret: result.secret, kind: 'basic' },
      localActor('login --sso'),
    );
  } finally {
    await local.close();
  }
  return {
    data,
    blocks: [
      done,
      text(`stored the CLI secret for ${address} in the vault (environment ${env}, user ${result.user})`),
    ],
  };
}

async function openClient(options: GlobalOptions): Promise<SsoClient> {
  if (serverOf(options)) {
    return {
      begin: (body) =>
        callApi<SsoStart>(options, { method: 'POST', path: '/api/v1/identity/sso/begin', body }),
      finish: (body) =>
        callApi<SsoResult>(options, { method: 'POST', path: '/api/v1/identity/sso/finish', body }),
      close: async () => {},
    };
  }
  const { runtime } = await openLocalRuntime(options);
  return {
    begin: (body) => runtime.services.sso.begin({ source: body.source, redirectUri: body.redirect_uri }),
    finish: (body) => runtime.services.sso.finish(body),
    close: () => runtime.close(),
  };
}
