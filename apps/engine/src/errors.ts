/**
 * Codes of the errors the engine and the `litewal` CLI raise.
 * @public
 */
export type EngineErrorCode = 'ERR_ENGINE_USAGE' | 'ERR_ENGINE_INPUT' | 'ERR_ENGINE_BUSY';

/**
 * Base class of the engine's errors. `ERR_ENGINE_USAGE` is a bad command line and
 * `ERR_ENGINE_INPUT` an input that cannot be used (missing, a directory, not a WAL): the CLI exits 2
 * for both. `ERR_ENGINE_BUSY`: another process holds the database, so the command refused to act;
 * the CLI exits 1.
 * @public
 */
export class EngineError extends Error {
  /** Class name, for `err.name` checks that survive duplicate package copies. */
  static override name = 'EngineError';
  /** Class name of this error. */
  override readonly name: string = 'EngineError';
  /** Stable machine-readable code. */
  readonly code: EngineErrorCode;
  /** What the user can do about it, when there is something. */
  readonly hint: string | undefined;

  /** Creates an error with a code, a message naming what was found, and an optional hint. */
  constructor(code: EngineErrorCode, message: string, hint?: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}
