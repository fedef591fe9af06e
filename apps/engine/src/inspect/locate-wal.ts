import { open } from 'node:fs/promises';
import { WAL_MAGIC_BE, WAL_MAGIC_LE } from '@litewal/checksum';
import { EngineError } from '../errors.js';
import { kindOf } from '../internal/file-kind.js';

async function hasWalMagic(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const bytes = new Uint8Array(4);
    const { bytesRead } = await handle.read(bytes, 0, 4, 0);
    if (bytesRead < 4) return false;
    const magic = new DataView(bytes.buffer).getUint32(0, false);
    return magic === WAL_MAGIC_LE || magic === WAL_MAGIC_BE;
  } finally {
    await handle.close();
  }
}

/**
 * Finds the WAL for a path: `<db>-wal` beside a database, or the path itself when it names a WAL
 * (ends in `-wal` or starts with a WAL magic). Read-only.
 * @throws {@link EngineError} `ERR_ENGINE_INPUT` when there is no usable WAL.
 */
export async function locateWal(path: string): Promise<string> {
  const kind = await kindOf(path);
  if (kind === 'directory') throw new EngineError('ERR_ENGINE_INPUT', `${path} is a directory, not a database or WAL file`);
  if (kind === 'other') throw new EngineError('ERR_ENGINE_INPUT', `${path} is not a regular file`);
  if (kind === 'file' && path.endsWith('-wal')) return path;
  const beside = `${path}-wal`;
  const besideKind = await kindOf(beside);
  if (besideKind === 'file') return beside;
  if (besideKind !== 'missing') throw new EngineError('ERR_ENGINE_INPUT', `${beside} is not a regular file`);
  if (kind === 'missing') {
    throw new EngineError('ERR_ENGINE_INPUT', `${path} does not exist`, 'give the path of a SQLite database or of its -wal file');
  }
  if (await hasWalMagic(path)) return path;
  throw new EngineError(
    'ERR_ENGINE_INPUT',
    `${path} is not a WAL and has no ${beside} beside it`,
    'the database may not be in WAL mode, or its WAL was checkpointed and removed',
  );
}
