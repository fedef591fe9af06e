import type { WalHeader } from '@litewal/checksum';
import type { WalIndexSource } from '../../src/index.js';

/** A WAL header for sources that are not read from a file (its checksum fields are not checked). */
export const SYNTHETIC_HEADER: WalHeader = {
  magic: 0x377f0682,
  byteOrder: 'little',
  version: 3007000,
  pageSize: 4096,
  checkpointSequence: 0,
  salt1: 0x01020304,
  salt2: 0x05060708,
  checksum1: 11,
  checksum2: 12,
};

/** A source whose `frames` frames are all committed and hold the pages `pageOf` says. */
export function syntheticSource(frames: number, pageOf: (frame: number) => number): WalIndexSource {
  return { header: SYNTHETIC_HEADER, committedFrames: frames, dbSizePages: 400, committedChecksum: { s1: 1, s2: 2 }, pageOf };
}
