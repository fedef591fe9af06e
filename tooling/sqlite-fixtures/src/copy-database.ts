import { constants, copyFile } from 'node:fs/promises';
import path from 'node:path';

import { type DatabaseFiles, databaseFiles } from './database-files.js';

/** Copies `from` to `to` unless `from` does not exist (the destination directory does). */
async function copyIfPresent(from: string, to: string): Promise<void> {
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Copies a database with its `-wal` and `-shm` (each when present) into `dstDir`, for throwaway
 * use: open the copy with any SQLite connection without touching the original.
 *
 * @param srcDb - the database file; its companions are `<srcDb>-wal` and `<srcDb>-shm`.
 * @param dstDir - an existing directory.
 * @param name - file name of the copy; by default the source's.
 * @returns the copy's paths.
 * @throws when `srcDb` is missing or a destination file already exists (nothing is overwritten).
 * @public
 */
export async function copyDatabase(srcDb: string, dstDir: string, name = path.basename(srcDb)): Promise<DatabaseFiles> {
  const src = databaseFiles(srcDb);
  const dst = databaseFiles(path.join(dstDir, name));
  await copyFile(src.db, dst.db, constants.COPYFILE_EXCL);
  await copyIfPresent(src.wal, dst.wal);
  await copyIfPresent(src.shm, dst.shm);
  return dst;
}
