import { walChecksum, WAL_FRAME_HEADER_BYTES, type ChecksumPair, type Hashes } from '@litewal/checksum';
import type { Vfs } from '@litewal/vfs';
import { codecByName } from '../codecs.js';
import { sidecarPath } from '../format.js';
import { readRepairSymbols, readSidecar, type StoredGroup } from '../read-sidecar.js';
import type { LostGroup, LostReason } from '../lost-group.js';
import { frameAt, readWal, type WalImage } from './wal-image.js';

/** A group the plan can repair, for the telemetry event. */
export interface GroupRepair {
  readonly group: StoredGroup;
  readonly frames: readonly number[];
  readonly rebuiltPages: readonly number[];
  readonly headerOnly: readonly number[];
  readonly intactRepairSymbols: number;
}

/** Everything scan and repair need: what is damaged and the exact frames to write. */
export interface RepairPlan {
  readonly wal: WalImage | null;
  readonly groups: number;
  readonly staleGroups: number;
  readonly tornTail: boolean;
  readonly damagedFrames: readonly number[];
  readonly lost: readonly LostGroup[];
  readonly repairs: readonly GroupRepair[];
  readonly writes: ReadonlyMap<number, Uint8Array>;
}

interface GroupState {
  readonly group: StoredGroup;
  readonly pages: (Uint8Array | null)[];
  readonly pageOk: boolean[];
  readonly fieldsOk: boolean[];
  readonly intactRepairSymbols: number;
  readonly lostReason: LostReason | null;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** Matches the sidecar's groups to the WAL's generation and decides, frame by frame, what to rewrite. */
export async function planRepair(vfs: Vfs, dbPath: string, hashes: Hashes): Promise<RepairPlan> {
  const path = sidecarPath(dbPath);
  const sidecar = await readSidecar(vfs, path, hashes);
  const wal = await readWal(vfs, `${dbPath}-wal`);
  const empty = { wal, groups: 0, tornTail: sidecar.tornTail, damagedFrames: [], lost: [], repairs: [], writes: new Map() };
  if (wal === null) return { ...empty, staleGroups: sidecar.groups.length };
  const { salt1, salt2, pageSize, byteOrder } = wal.header;
  const candidates = sidecar.groups
    .filter((g) => g.salt1 === salt1 && g.salt2 === salt2 && g.pageSize === pageSize)
    .sort((a, b) => a.firstFrame - b.firstFrame);
  const matched: StoredGroup[] = [];
  for (const g of candidates) if (g.firstFrame > (matched.at(-1)?.lastFrame ?? 0)) matched.push(g);
  const staleGroups = sidecar.groups.length - matched.length;
  const view = new DataView(wal.bytes.buffer, wal.bytes.byteOffset, wal.bytes.byteLength);
  const pageOf = (frame: number): Uint8Array | null => {
    if (frame > wal.frames) return null;
    const at = frameAt(wal, frame) + WAL_FRAME_HEADER_BYTES;
    return wal.bytes.subarray(at, at + pageSize);
  };

  const states: GroupState[] = [];
  for (const group of matched) {
    const pages: (Uint8Array | null)[] = [];
    const pageOk: boolean[] = [];
    const fieldsOk: boolean[] = [];
    group.frames.forEach((entry, i) => {
      const frame = group.firstFrame + i;
      const page = pageOf(frame);
      const at = frameAt(wal, Math.min(frame, wal.frames + 1));
      const ok = page !== null && equalBytes(hashes.xxh3_128(page), entry.hash);
      pages.push(ok ? page : null);
      pageOk.push(ok);
      fieldsOk.push(
        page !== null &&
          view.getUint32(at) === entry.pageNumber &&
          view.getUint32(at + 4) === entry.commitSize &&
          view.getUint32(at + 8) === salt1 &&
          view.getUint32(at + 12) === salt2,
      );
    });
    let intactRepairSymbols = group.repairSymbols;
    let lostReason: LostReason | null = null;
    if (pageOk.includes(false)) {
      const repairs = await readRepairSymbols(vfs, path, group, hashes);
      intactRepairSymbols = repairs.filter((r) => r !== null).length;
      const erased = pageOk.filter((ok) => !ok).length;
      let decoded: Uint8Array[] | null = null;
      try {
        decoded = codecByName(group.codec).decode(pages, repairs, pageSize, group.parameter);
      } catch (error) {
        if (!(error instanceof RangeError)) throw error; // a record the codec refuses decodes nothing
      }
      if (decoded === null) {
        lostReason = erased > intactRepairSymbols ? 'too-many-losses' : 'decode-failed';
      } else {
        for (let i = 0; i < pages.length && lostReason === null; i++) {
          const rebuilt = decoded[i] as Uint8Array;
          if (pageOk[i] === true) continue;
          if (!equalBytes(hashes.xxh3_128(rebuilt), (group.frames[i] as { hash: Uint8Array }).hash)) lostReason = 'hash-mismatch';
          else pages[i] = rebuilt;
        }
      }
    }
    states.push({ group, pages, pageOk, fieldsOk, intactRepairSymbols, lostReason });
  }

  // Walk the checksum chain from the WAL header through every protected frame, with the pages as
  // they should be, to find damaged frame headers and compute the headers to write.
  let run: ChecksumPair | null = { s1: wal.header.checksum1, s2: wal.header.checksum2 };
  let previousEnd = 0;
  const chain = (seed: ChecksumPair, header8: Uint8Array, page: Uint8Array): ChecksumPair =>
    walChecksum(page, byteOrder, walChecksum(header8, byteOrder, seed));
  const damagedFrames: number[] = [];
  const lost: LostGroup[] = [];
  const repairs: GroupRepair[] = [];
  const writes = new Map<number, Uint8Array>();
  for (const state of states) {
    const { group } = state;
    if (run !== null && group.firstFrame - 1 > wal.frames) run = null;
    for (let frame = previousEnd + 1; run !== null && frame < group.firstFrame; frame++) {
      const at = frameAt(wal, frame);
      run = chain(run, wal.bytes.subarray(at, at + 8), pageOf(frame) as Uint8Array);
    }
    previousEnd = group.lastFrame;
    const damaged: number[] = [];
    const frameWrites = new Map<number, Uint8Array>();
    state.pages.forEach((page, i) => {
      const frame = group.firstFrame + i;
      const entry = group.frames[i] as { pageNumber: number; commitSize: number };
      let checksumOk = true;
      if (run !== null && page !== null) {
        const header = new Uint8Array(WAL_FRAME_HEADER_BYTES);
        const h = new DataView(header.buffer);
        h.setUint32(0, entry.pageNumber);
        h.setUint32(4, entry.commitSize);
        h.setUint32(8, salt1);
        h.setUint32(12, salt2);
        run = chain(run, header.subarray(0, 8), page);
        h.setUint32(16, run.s1);
        h.setUint32(20, run.s2);
        const at = frameAt(wal, frame);
        checksumOk = state.pageOk[i] === true && view.getUint32(at + 16) === run.s1 && view.getUint32(at + 20) === run.s2;
        // (pageOk implies the frame is inside the file, so the reads above are in range)
        const bytes = new Uint8Array(header.length + pageSize);
        bytes.set(header);
        bytes.set(page, header.length);
        frameWrites.set(frame, bytes);
      } else {
        run = null;
      }
      if (state.pageOk[i] !== true || state.fieldsOk[i] !== true || !checksumOk) damaged.push(frame);
    });
    damagedFrames.push(...damaged);
    if (damaged.length === 0) continue;
    const reason = state.lostReason ?? (damaged.every((f) => frameWrites.has(f)) ? null : 'after-lost-group');
    if (reason !== null) {
      lost.push({ firstFrame: group.firstFrame, lastFrame: group.lastFrame, damagedFrames: damaged, intactRepairSymbols: state.intactRepairSymbols, reason });
      run = null;
      continue;
    }
    for (const f of damaged) writes.set(f, frameWrites.get(f) as Uint8Array);
    repairs.push({
      group,
      frames: damaged,
      rebuiltPages: damaged.filter((f) => state.pageOk[f - group.firstFrame] !== true),
      headerOnly: damaged.filter((f) => state.pageOk[f - group.firstFrame] === true),
      intactRepairSymbols: state.intactRepairSymbols,
    });
  }
  return { wal, groups: matched.length, staleGroups, tornTail: sidecar.tornTail, damagedFrames, lost, repairs, writes };
}
