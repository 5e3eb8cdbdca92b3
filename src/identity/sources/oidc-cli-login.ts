/**
 * How `purser login --sso` gets a person's identity from the provider: the device authorization
 * grant when the provider offers it (the person approves on any device, nothing listens on this
 * machine), else the authorization-code flow with PKCE and a loopback redirect.
 *
 * Phase 2 splits this between the CLI (shows the code, opens the browser, runs the loopback
 * receiver) and the server (holds the client secret, talks to the provider); the steps are the
 * same, so this module is also what the tests drive end to end.
 */
import { startLoopbackReceiver } from './oidc-loopback.ts';
import type { DeviceLogin, OidcLogin, OidcRelyingParty, PendingAuthorization } from './oidc-relying-party.ts';

export interface CliLoginUi {
  /** Shows the user code and where to enter it (device flow). */
  showDeviceCode(login: DeviceLogin): void | Promise<void>;
  /** Opens (or prints) the authorization URL (loopback flow). */
  openBrowser(url: URL): void | Promise<void>;
}

export interface CliLoginOptions {
  /** How long the person has to complete the login. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

export async function cliLogin(
  relyingParty: OidcRelyingParty,
  ui: CliLoginUi,
  options: CliLoginOptions,
): Promise<{ flow: 'device' | 'loopback'; login: OidcLogin }> {
  if (await relyingParty.supportsDeviceFlow()) {
    return { flow: 'device', login: await deviceLogin(relyingParty, ui, options) };
  }
  return { flow: 'loopback', login: await loopbackLogin(relyingParty, ui, options) };
}

export async function deviceLogin(
  relyingParty: OidcRelyingParty,
  ui: Pick<CliLoginUi, 'showDeviceCode'>,
  options: CliLoginOptions,
): Promise<OidcLogin> {
  const login = await relyingParty.beginDeviceLogin();
  await ui.showDeviceCode(login);
  const signals = [AbortSignal.timeout(options.timeoutMs), ...(options.signal ? [options.signal] : [])];
  return relyingParty.finishDeviceLogin(login, AbortSignal.any(signals));
}

export async function loopbackLogin(
  relyingParty: OidcRelyingParty,
  ui: Pick<CliLoginUi, 'openBrowser'>,
  options: CliLoginOptions,
): Promise<OidcLogin> {
  let pending: PendingAuthorization | undefined;
  const receiver = await startLoopbackReceiver({
    expectedState: () => pending?.state,
    timeoutMs: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  try {
    const begun = await relyingParty.beginAuthorization({ redirectUri: receiver.redirectUri, offline: true });
    pending = begun.pending;
    await ui.openBrowser(begun.url);
    return await relyingParty.finishAuthorization(await receiver.callback, pending);
  } finally {
    receiver.close();
  }
}
