import { WAL_INDEX_DMS_OFFSET, WAL_INDEX_LOCKS_OFFSET, WAL_INDEX_READ_MARK_COUNT } from './format.js';

/**
 * The byte-range locks SQLite places on the `-shm` file, by name.
 *
 * @remarks `write` (WAL_WRITE_LOCK, byte 120): one writer at a time. `checkpoint` (121): one
 * checkpointer. `recover` (122): held while the wal-index is rebuilt. `read-k` (123 + k): a reader
 * using read mark k (`read-0`: a reader that ignores the WAL). `dms` (128): the dead-man switch,
 * held shared by every connection that has the `-shm` open.
 * @public
 */
export type WalIndexLock =
  | 'write'
  | 'checkpoint'
  | 'recover'
  | 'read-0'
  | 'read-1'
  | 'read-2'
  | 'read-3'
  | 'read-4'
  | 'dms';

const SLOT: Readonly<Record<Exclude<WalIndexLock, 'dms'>, number>> = {
  write: 0,
  checkpoint: 1,
  recover: 2,
  'read-0': 3,
  'read-1': 4,
  'read-2': 5,
  'read-3': 6,
  'read-4': 7,
};

/**
 * The byte offset in the `-shm` file that a lock covers (each lock covers one byte).
 *
 * @remarks `120 + i` for write (0), checkpoint (1), recover (2), read-k (3 + k); 128 for dms.
 * @public
 */
export function walIndexLockOffset(lock: WalIndexLock): number {
  return lock === 'dms' ? WAL_INDEX_DMS_OFFSET : WAL_INDEX_LOCKS_OFFSET + SLOT[lock];
}

/**
 * The name of the READ lock that goes with read mark `slot` (0..4).
 * @throws RangeError when `slot` is not an integer from 0 to 4.
 * @public
 */
export function readLock(slot: number): WalIndexLock {
  if (!Number.isInteger(slot) || slot < 0 || slot >= WAL_INDEX_READ_MARK_COUNT) {
    throw new RangeError(`read mark slot ${slot} is outside 0..${WAL_INDEX_READ_MARK_COUNT - 1}`);
  }
  return `read-${slot}` as WalIndexLock;
}
