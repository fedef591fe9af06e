import type { VfsFile } from '@litewal/vfs';

/** Reads until `buffer` is full or the file ends; returns the bytes read. */
export async function readFully(file: VfsFile, buffer: Uint8Array, position: number): Promise<number> {
  let done = 0;
  while (done < buffer.length) {
    const n = await file.read(buffer.subarray(done), position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}
