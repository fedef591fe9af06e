import { readFile, writeFile } from 'node:fs/promises';

/** Byte offset of frame `frame` in a WAL with `pageSize` pages. */
export function frameOffset(frame: number, pageSize = 4096): number {
  return 32 + (frame - 1) * (pageSize + 24);
}

/** XORs `mask` into the byte at `frameOffset(frame) + at` of a WAL file (24+ = page bytes). */
export async function flipWalByte(walPath: string, frame: number, at: number, mask = 0xff, pageSize = 4096): Promise<void> {
  const wal = await readFile(walPath);
  const i = frameOffset(frame, pageSize) + at;
  wal[i] = (wal[i] as number) ^ mask;
  await writeFile(walPath, wal);
}

/** XORs `mask` into `buf[i]`. */
export function xorByte(buf: Uint8Array, i: number, mask: number): void {
  buf[i] = (buf[i] as number) ^ mask;
}
