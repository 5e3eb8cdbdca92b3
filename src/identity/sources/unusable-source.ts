/**
 * A configured source that cannot be built (its secret or CA file is unreadable), kept in the
 * chain by the CLI's local mode so that commands which do not use it still run: every use of
 * it answers with the `path: message` problems (which name files, never their content).
 * `purser serve` never keeps one: it refuses to start instead (create-source.ts).
 */
import { ConfigInvalid } from '../../domain/errors.ts';
import {
  type IdentitySource,
  type SourceHealth,
  type SourceKind,
  type SourceResult,
  unavailable,
} from '../identity-source.ts';

export class UnusableSource implements IdentitySource {
  readonly name: string;
  readonly kind: SourceKind;
  readonly timeoutMs: number;
  readonly unusable: readonly string[];

  constructor(options: { name: string; kind: SourceKind; timeoutMs: number; problems: readonly string[] }) {
    if (options.problems.length === 0) throw new TypeError('an unusable source needs its problems');
    this.name = options.name;
    this.kind = options.kind;
    this.timeoutMs = options.timeoutMs;
    this.unusable = [...options.problems];
  }

  async authenticate(): Promise<SourceResult> {
    return unavailable(this.unusable.join('; '));
  }

  async lookup(): Promise<SourceResult> {
    return unavailable(this.unusable.join('; '));
  }

  async health(): Promise<SourceHealth> {
    return { ok: false, detail: this.unusable.join('; '), latencyMs: 0 };
  }

  /** What a command that needs the source throws. */
  refusal(): ConfigInvalid {
    return new ConfigInvalid(this.unusable);
  }

  async close(): Promise<void> {}
}
