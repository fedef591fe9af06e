import type { CodecName } from '@litewal/wal-fec';

/**
 * The messages between a database's {@link FecProtector} (main thread) and its worker
 * (`fec-worker.ts`): one worker per database, one FIFO port, so groups are protected in commit order.
 *
 * main -> worker: `protect` with the durable commit groups of the last few milliseconds, packed
 * (their buffers transferred), then `close`.
 * worker -> main: `protected` after each batch of groups is appended and synced (a batch is every
 * group that arrived while the previous one was being written; the batch's page buffers go back), `failed` once (then the worker
 * protects nothing more, closes its sidecar and exits), `closed` after `close`, before it exits.
 */

/** What the worker is started with (`workerData`). */
export interface FecWorkerData {
  /** The sidecar, `<db>-wal-fec`. */
  readonly sidecar: string;
  readonly repairSymbols: number;
  readonly codec: CodecName;
}

/** Words per group in {@link ProtectMessage.groups}: seq, salt-1, salt-2, page size, first frame, frames. */
export const GROUP_WORDS = 6;

/**
 * The commit groups of the last hand-off interval, packed: four buffers, transferred, whatever the
 * number of groups. Group i is `groups[6i .. 6i + 5]` = `[seq, salt1, salt2, pageSize, firstFrame,
 * frames]` (seq: 1, 2, ... per database, in commit order); its frames follow the previous group's
 * in `pageNumbers`, `commitSizes` (database pages on each transaction's last frame, else 0) and
 * `pages` (page images back to back).
 */
export interface ProtectMessage {
  readonly type: 'protect';
  readonly groups: Uint32Array;
  readonly pageNumbers: Uint32Array;
  readonly commitSizes: Uint32Array;
  readonly pages: Uint8Array;
}

/** Asks the worker to finish the queued groups, close the sidecar and exit. */
export interface CloseMessage {
  readonly type: 'close';
}

/** Main thread to worker. */
export type ToFecWorker = ProtectMessage | CloseMessage;

/** A batch of groups is durable in the sidecar. */
export interface ProtectedMessage {
  readonly type: 'protected';
  /** The last `seq` of the batch: every group up to it is protected. */
  readonly upTo: number;
  /** Commit groups in the batch, records (protection groups) and bytes appended. */
  readonly groups: number;
  readonly records: number;
  readonly bytes: number;
  /** Microseconds: erasure encoding of the batch; the whole batch (hashing, encoding, append, two syncs). */
  readonly encodeUs: number;
  readonly protectUs: number;
  /** The `pages` buffers of the messages now protected, transferred back for reuse. */
  readonly buffers: readonly ArrayBuffer[];
}

/** The worker could not open or append to the sidecar; it protects nothing more. */
export interface FailedMessage {
  readonly type: 'failed';
  readonly stage: 'open' | 'protect';
  readonly message: string;
  /** The error's `code` when it has one. */
  readonly code: string;
}

/** The worker closed the sidecar after protecting every group it was sent. */
export interface ClosedMessage {
  readonly type: 'closed';
}

/** Worker to main thread. */
export type FromFecWorker = ProtectedMessage | FailedMessage | ClosedMessage;
