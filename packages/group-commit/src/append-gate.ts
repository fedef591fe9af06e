/**
 * A cross-process lock held around every flush of a {@link WalFileSink}: one writer at a time
 * appends to the WAL.
 *
 * @remarks
 * The engine implements it with SQLite's WAL_WRITE lock (wal-index byte 120) and refreshes its view
 * of the log in `acquire`, so that the sink's {@link WalFileSink.wal} is current while the gate is
 * held. `acquire` waits until the lock is granted or throws (the group then fails with nothing
 * written). `release` is called after every `acquire`, whatever the flush did; if it throws, the
 * sink stops writing ({@link SinkBrokenError}), since the lock state is then unknown.
 * @public
 */
export interface AppendGate {
  /** Takes the lock, waiting as long as needed. */
  acquire(): Promise<void>;
  /** Releases the lock. */
  release(): Promise<void>;
}
