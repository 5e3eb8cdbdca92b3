/**
 * What the authenticator asks of the identity sources for a name that has no local account, or
 * for a user bound to a source. The application layer implements it (app/identity-service.ts):
 * it walks the source chain and, on success, creates or refreshes the bound Purser user before
 * answering, so the authenticator then finds the user in the current snapshot.
 */
export type ExternalOutcome =
  /** `name`: the Purser user the person is bound to (the source's spelling of the name). */
  | { readonly outcome: 'accepted'; readonly name: string }
  | { readonly outcome: 'rejected' }
  | { readonly outcome: 'unknown' }
  | { readonly outcome: 'unavailable'; readonly sources: readonly string[] };

export interface ExternalAccounts {
  /** `boundTo`: the source the user is bound to; only that source is asked. */
  authenticate(name: string, secret: string, boundTo: string | undefined): Promise<ExternalOutcome>;
}
