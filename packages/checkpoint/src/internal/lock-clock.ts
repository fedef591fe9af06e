import type { WalIndexCheckpoint } from '@litewal/wal-index';
import type { CheckpointSource } from '../checkpoint.js';

/**
 * Times the locks a checkpoint holds that make others wait: WAL_WRITE (from the moment it is
 * taken until the session ends: writers block) and READ(0..4) exclusive (from the first reader
 * lock taken until none is held any more: a reader that needs one of them waits or retries).
 * Overlapping reader locks count once, so both figures are wall-clock milliseconds.
 */
export class LockClock implements CheckpointSource {
  readonly #source: CheckpointSource;
  /** Milliseconds WAL_WRITE was held. */
  writerMs = 0;
  /** Milliseconds at least one READ(i) lock was held exclusive. */
  readerMs = 0;

  constructor(source: CheckpointSource) {
    this.#source = source;
  }

  async beginCheckpoint(): Promise<WalIndexCheckpoint | null> {
    const session = await this.#source.beginCheckpoint();
    return session === null ? null : this.#watch(session);
  }

  #watch(session: WalIndexCheckpoint): WalIndexCheckpoint {
    const readers = new Set<number>();
    let writerSince: number | null = null;
    let readersSince = 0;
    const releaseReaders = (slots: readonly number[]): void => {
      const before = readers.size;
      for (const slot of slots) readers.delete(slot);
      if (before > 0 && readers.size === 0) this.readerMs += performance.now() - readersSince;
    };
    // Delegates every member; only the lock calls are observed.
    return {
      get writing() {
        return session.writing;
      },
      tryLockWriter: async () => {
        const taken = await session.tryLockWriter();
        if (taken && writerSince === null) writerSince = performance.now();
        return taken;
      },
      tryLockReaders: async (slots) => {
        const taken = await session.tryLockReaders(slots);
        if (taken) {
          if (readers.size === 0 && slots.length > 0) readersSince = performance.now();
          for (const slot of slots) readers.add(slot);
        }
        return taken;
      },
      unlockReaders: async (slots) => {
        try {
          await session.unlockReaders(slots);
        } finally {
          releaseReaders(slots);
        }
      },
      end: async () => {
        try {
          await session.end();
        } finally {
          releaseReaders([...readers]);
          if (writerSince !== null) this.writerMs += performance.now() - writerSince;
          writerSince = null;
        }
      },
      readHeader: () => session.readHeader(),
      readCheckpointInfo: () => session.readCheckpointInfo(),
      currentMaxFrame: () => session.currentMaxFrame(),
      writeReadMark: (slot, frame) => session.writeReadMark(slot, frame),
      writeBackfillAttempted: (frame) => session.writeBackfillAttempted(frame),
      writeBackfill: (frame) => session.writeBackfill(frame),
      framePages: (first, last) => session.framePages(first, last),
      restartHeader: () => session.restartHeader(),
    };
  }
}
