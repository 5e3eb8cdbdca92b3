/** One registry credential from Gantry's inputs, and the problems found while reading them. */

export interface GantryCredential {
  /**
   * The Docker client configuration directory as written (relative to the working directory or
   * absolute). Empty means the default location, `${DOCKER_CONFIG:-$HOME/.docker}`.
   */
  readonly configuration: string;
  /** The registry as written (empty = Docker Hub). */
  readonly host: string;
  /** Canonical vault address: `host[:port]`, Docker Hub as `docker.io`. */
  readonly registry: string;
  readonly username: string;
  readonly password: string;
  /** Where it came from: `GANTRY_REGISTRY_* variables` or `<file> line <n>`. */
  readonly source: string;
  /** Line number in the configs file, when it came from one. */
  readonly line?: number;
}

export interface InputProblem {
  /** `<file> line <n>` or the variable name. */
  readonly source: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
}

/** `<source>: <message>`, for one-line reports. */
export function describeProblem(problem: InputProblem): string {
  return `${problem.source}: ${problem.message}`;
}
