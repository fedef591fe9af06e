import { NodeVfs } from '@litewal/vfs';
import { WalFile } from '@litewal/wal-file';
import { WalIndex } from '@litewal/wal-index';
import type { CheckpointFiles } from '../../src/index.js';

/** A checkpoint connection on a database, as an engine keeps one open: its wal-index, db and WAL. */
export interface Connection extends CheckpointFiles {
  close(): Promise<void>;
}

export async function openConnection(dbPath: string, vfs = new NodeVfs()): Promise<Connection> {
  const walPath = `${dbPath}-wal`;
  const db = await vfs.open(dbPath);
  const wal = await vfs.open(walPath, { create: true });
  const index = await WalIndex.open(vfs, dbPath, { openSource: () => WalFile.open(vfs, walPath, { readOnly: true }) });
  return {
    index,
    db,
    wal,
    async close() {
      await index.close();
      await wal.close();
      await db.close();
    },
  };
}
