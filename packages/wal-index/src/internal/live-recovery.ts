import type { VfsFile } from '@litewal/vfs';
import { readMarkOffset } from '../checkpoint-info.js';
import {
  WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET,
  WAL_INDEX_BACKFILL_OFFSET,
  WAL_INDEX_HEADER_BYTES,
  WAL_INDEX_HEADER_COPY1_OFFSET,
  WAL_INDEX_HEADER_COPY2_OFFSET,
  WAL_INDEX_HEADER_REGION_BYTES,
  WAL_INDEX_READ_MARK_COUNT,
  WAL_INDEX_SEGMENT_BYTES,
} from '../format.js';
import { readLock } from '../locks.js';
import { rebuildWalIndex, type ClosableWalIndexSource } from '../rebuild.js';
import type { ShmLocks } from './shm-locks.js';

/**
 * SQLite's walIndexRecover on a live `-shm`, for a caller holding the write lock: with the
 * checkpoint and recover locks taken exclusive, writes the rebuilt segments, then header copy 2
 * and copy 1, then the checkpoint counters; each read mark 1..4 is reset only if its READ lock
 * can be taken (a mark a reader holds stays). A checkpoint lock the caller already holds (a
 * checkpointer) is used as it is and kept. Returns false, having written nothing, when the
 * checkpoint or recover lock is busy.
 */
export async function recoverLive(
  file: VfsFile,
  locks: ShmLocks,
  openSource: () => Promise<ClosableWalIndexSource>,
): Promise<boolean> {
  const ownCheckpointLock = locks.mode('checkpoint') !== 'exclusive';
  if (ownCheckpointLock && !(await locks.try('checkpoint', 'exclusive'))) return false;
  try {
    if (!(await locks.try('recover', 'exclusive'))) return false;
    try {
      await writeRecovered(file, locks, await rebuildFrom(openSource));
      return true;
    } finally {
      await locks.unlock('recover');
    }
  } finally {
    if (ownCheckpointLock) await locks.unlock('checkpoint');
  }
}

async function rebuildFrom(openSource: () => Promise<ClosableWalIndexSource>): Promise<Uint8Array> {
  const source = await openSource();
  try {
    return rebuildWalIndex(source);
  } finally {
    await source.close?.();
  }
}

async function writeRecovered(file: VfsFile, locks: ShmLocks, image: Uint8Array): Promise<void> {
  await writeRange(file, image, WAL_INDEX_HEADER_REGION_BYTES, WAL_INDEX_SEGMENT_BYTES - WAL_INDEX_HEADER_REGION_BYTES);
  for (let at = WAL_INDEX_SEGMENT_BYTES; at < image.length; at += WAL_INDEX_SEGMENT_BYTES) {
    await writeRange(file, image, at, WAL_INDEX_SEGMENT_BYTES);
  }
  const copy = image.subarray(WAL_INDEX_HEADER_COPY1_OFFSET, WAL_INDEX_HEADER_COPY1_OFFSET + WAL_INDEX_HEADER_BYTES);
  await file.write(copy, WAL_INDEX_HEADER_COPY2_OFFSET);
  await file.write(copy, WAL_INDEX_HEADER_COPY1_OFFSET);
  await writeRange(file, image, WAL_INDEX_BACKFILL_OFFSET, 4);
  await writeRange(file, image, WAL_INDEX_BACKFILL_ATTEMPTED_OFFSET, 4);
  await writeRange(file, image, readMarkOffset(0), 4);
  for (let slot = 1; slot < WAL_INDEX_READ_MARK_COUNT; slot++) {
    const lock = readLock(slot);
    if (!(await locks.try(lock, 'exclusive'))) continue;
    try {
      await writeRange(file, image, readMarkOffset(slot), 4);
    } finally {
      await locks.unlock(lock);
    }
  }
}

function writeRange(file: VfsFile, image: Uint8Array, at: number, length: number): Promise<void> {
  return file.write(image.subarray(at, at + length), at);
}
