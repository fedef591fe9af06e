/**
 * The litewal engine: the library behind the `litewal` command line.
 *
 * @remarks
 * {@link inspectWal} is the read-only report behind `litewal inspect` (a WAL's header and its
 * valid prefix exactly as SQLite computes it) and {@link recoverDatabase} the wal-index rebuild
 * behind `litewal recover`.
 *
 * @example
 * ```ts
 * import { inspectWal } from '@litewal/engine';
 *
 * const { wal } = await inspectWal('app.db'); // reads app.db-wal, writes nothing
 * console.log(wal.frames.committed, wal.stop.reason);
 * ```
 * @packageDocumentation
 */
export { EngineError, type EngineErrorCode } from './errors.js';
export { inspectWal, type InspectReport, type WalInspection } from './inspect/inspect-wal.js';
export { recoverDatabase, type RecoverReport } from './recover/recover-database.js';
