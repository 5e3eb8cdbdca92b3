/**
 * Who is acting: the authenticated principal and where the request came from. Every use case
 * of the application services takes one, whichever surface it came through (the API, the
 * CLI's local mode, a console session), so authorization and the audit entry are the
 * service's, not the surface's.
 */
import type { Principal, User } from '../domain/model.ts';

export interface Caller {
  readonly principal: Principal;
  /** The client address (rules with `sources`, audit entries). */
  readonly sourceAddress?: string | undefined;
  readonly userAgent?: string | undefined;
}

/**
 * The CLI in local mode: whoever can open the data directory (and its master key) already
 * holds everything, so the local mode acts as an administrator.
 */
const LOCAL_USER: User = Object.freeze<User>({
  id: 0,
  name: 'local-cli',
  groups: [],
  privileges: ['DockerRegistriesPuller', 'DockerRegistriesPusher', 'DockerRegistriesManager'],
  admin: true,
  disabled: false,
});

export const LOCAL_ADMINISTRATOR: Principal = Object.freeze({ kind: 'user', user: LOCAL_USER });
