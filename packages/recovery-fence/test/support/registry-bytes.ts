import { createHashes } from '@litewal/checksum';

/** One record laid out by hand: `[u32 pid][u8 file][u8 mode][u16 reserved][u64 offset][u64 length][u64 time]`, all LE. */
export interface RawRecord {
  pid: number;
  file: number;
  mode: number;
  reserved?: number;
  offset: bigint;
  length: bigint;
  acquiredAtMs: bigint;
}

/** Fields of a hand-made registry copy; `checksum: 'valid'` computes the right XXH3-128. */
export interface RawCopy {
  magic?: number;
  version?: number;
  count?: number;
  sequence: bigint;
  records: RawRecord[];
  checksum?: 'valid' | Uint8Array;
}

const hashes = await createHashes();

/** Lays out a registry copy field by field, independently of the package's encoder. */
export function rawCopy(copy: RawCopy): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(32 + copy.records.length * 32);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, copy.magic ?? 0x4b4c574c, true);
  view.setUint16(4, copy.version ?? 1, true);
  view.setUint16(6, copy.count ?? copy.records.length, true);
  view.setBigUint64(8, copy.sequence, true);
  copy.records.forEach((r, i) => {
    const at = 32 + i * 32;
    view.setUint32(at, r.pid, true);
    view.setUint8(at + 4, r.file);
    view.setUint8(at + 5, r.mode);
    view.setUint16(at + 6, r.reserved ?? 0, true);
    view.setBigUint64(at + 8, r.offset, true);
    view.setBigUint64(at + 16, r.length, true);
    view.setBigUint64(at + 24, r.acquiredAtMs, true);
  });
  const covered = new Uint8Array(16 + copy.records.length * 32);
  covered.set(bytes.subarray(0, 16));
  covered.set(bytes.subarray(32), 16);
  bytes.set(copy.checksum === undefined || copy.checksum === 'valid' ? hashes.xxh3_128(covered) : copy.checksum, 16);
  return bytes;
}
