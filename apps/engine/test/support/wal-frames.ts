import { open } from 'node:fs/promises';

/** Byte offset of frame `frame` (1-based) in a WAL of `pageSize` pages. */
export function frameOffset(frame: number, pageSize: number): number {
  return 32 + (frame - 1) * (pageSize + 24);
}

/** The page size and the commit frames (in order) of every frame in a WAL file, valid or not. */
export async function walCommitFrames(walPath: string): Promise<{ pageSize: number; frames: number; commitFrames: number[] }> {
  const handle = await open(walPath, 'r');
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(32);
    await handle.read(header, 0, 32, 0);
    const pageSize = header.readUInt32BE(8);
    const frames = Math.floor((size - 32) / (pageSize + 24));
    const commitFrames: number[] = [];
    const frameHeader = Buffer.alloc(24);
    for (let f = 1; f <= frames; f++) {
      await handle.read(frameHeader, 0, 24, frameOffset(f, pageSize));
      if (frameHeader.readUInt32BE(4) !== 0) commitFrames.push(f);
    }
    return { pageSize, frames, commitFrames };
  } finally {
    await handle.close();
  }
}

/** Overwrites bytes of a file at `position`. */
export async function patchFile(path: string, position: number, bytes: Uint8Array): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.write(bytes, 0, bytes.length, position);
  } finally {
    await handle.close();
  }
}
