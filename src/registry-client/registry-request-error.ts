/**
 * A registry answered with an error (or not at all). Carries the HTTP status and the first
 * Distribution errcode (`MANIFEST_UNKNOWN`, `UNSUPPORTED`, `DENIED`…) so callers can tell
 * "not there" from "not allowed" from "delete disabled". Network failures and timeouts are
 * status 0. Reported as UNAVAILABLE: the registry, not the caller, failed.
 */
import { AuthorityError } from '../domain/errors.ts';

export class RegistryRequestError extends AuthorityError {
  readonly httpStatus: number;
  readonly registryCode: string | undefined;

  constructor(
    message: string,
    httpStatus: number,
    registryCode: string | undefined,
    options: { cause?: unknown } = {},
  ) {
    super('UNAVAILABLE', message, options);
    this.httpStatus = httpStatus;
    this.registryCode = registryCode;
  }

  /** 404 or a *_UNKNOWN errcode: the repository, tag or manifest does not exist. */
  get notFound(): boolean {
    return this.httpStatus === 404 || (this.registryCode?.endsWith('_UNKNOWN') ?? false);
  }
}

/** The registry runs without `storage.delete.enabled: true`. */
export class RegistryDeleteDisabled extends AuthorityError {
  constructor(service: string) {
    super(
      'CONFLICT',
      `registry ${service} does not allow deletes (405 UNSUPPORTED): set storage.delete.enabled: true in its config.yml (purser registry config ${service} --format distribution prints it) and restart it`,
    );
  }
}
