import type { VfsFile } from '@litewal/vfs';

/** Reads exactly `length` bytes at `position`. */
export async function readExactly(file: VfsFile, position: number, length: number): Promise<Uint8Array> {
  const out = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const n = await file.read(out.subarray(done), position + done);
    if (n === 0) throw new RangeError(`${file.path}: ${length} bytes at ${position} wanted, file ended after ${done}`);
    done += n;
  }
  return out;
}
