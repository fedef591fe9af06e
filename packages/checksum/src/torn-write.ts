import { checkBytes, checkIndex } from './internal/checks.js';

/**
 * Sector sizes {@link classifyTornWrite} accepts: every power of two from 512 to 65536.
 *
 * @public
 */
export const TORN_WRITE_SECTOR_SIZES: readonly number[] = Object.freeze([
  512, 1024, 2048, 4096, 8192, 16384, 32768, 65536,
]);

/**
 * What one sector of a written region holds after a crash.
 *
 * @remarks `'written'`: the new bytes (or, without `intended`, bytes that differ from `previous`).
 * `'unwritten'`: the previous bytes, which differ from the intended ones. `'unchanged'`: the
 * intended bytes equal the previous ones here, so the sector cannot tell. `'foreign'`: neither the
 * intended nor the previous bytes (only reported when `intended` is given).
 * @public
 */
export type SectorState = 'written' | 'unwritten' | 'unchanged' | 'foreign';

/**
 * The pattern of written sectors in a region.
 *
 * @remarks `'complete'`: no sector is unwritten. `'none'`: no sector is written. `'prefix'`: the
 * written sectors all come before the unwritten ones, what a disk that writes the sectors of a
 * request in order leaves when power fails. `'scattered'`: an unwritten sector comes before a
 * written one, what a disk leaves that writes each atomic unit independently (the model of
 * SQLite's `SQLITE_IOCAP_ATOMIC512`..`ATOMIC64K`). `'foreign'`: some sector holds neither image, so
 * this is not a clean tear at this sector size; SQLite's crash-test VFS (src/test6.c) leaves this
 * when it fills the sectors of an unsynced write with random bytes, and bit rot or a stray write
 * look the same.
 * @public
 */
export type TornWriteShape = 'complete' | 'none' | 'prefix' | 'scattered' | 'foreign';

/**
 * A region of a file that a crash may have torn.
 *
 * @public
 */
export interface TornWriteInput {
  /** The region's bytes as read back after the crash. */
  readonly observed: Uint8Array;
  /**
   * The bytes the interrupted write was storing. Without them, a sector counts as written when it
   * differs from `previous`: right for a WAL frame that failed its checksum, whose intended image is
   * unknown.
   */
  readonly intended?: Uint8Array;
  /**
   * The region's bytes before the write. When omitted: zeros, i.e. the region lay past the old end
   * of the file (an appended WAL frame).
   */
  readonly previous?: Uint8Array;
  /** File offset of `observed[0]`: sectors are aligned to the file, not to the region. */
  readonly fileOffset: number;
  /** The device's atomic write unit, one of {@link TORN_WRITE_SECTOR_SIZES}. */
  readonly sectorSize: number;
}

/**
 * The sector-by-sector verdict of {@link classifyTornWrite}.
 *
 * @public
 */
export interface TornWriteClassification {
  /** The sector size used. */
  readonly sectorSize: number;
  /** File sector index of `sectors[0]`: `floor(fileOffset / sectorSize)`. */
  readonly firstSector: number;
  /** One state per sector the region touches, in file order (the first and last may be partial). */
  readonly sectors: readonly SectorState[];
  /** The pattern of written sectors. */
  readonly shape: TornWriteShape;
  /** Whether some whole sectors of the write reached the disk and others did not. */
  readonly torn: boolean;
}

/**
 * Tells whether the damage in a region is what a write torn at `sectorSize` leaves, and how.
 *
 * @remarks A sector is the unit a disk writes atomically: after power loss, each sector of an
 * unsynced write holds its old bytes or its new ones (or, in SQLite's crash tests, garbage, see
 * {@link TornWriteShape}). A WAL checksum only says that a frame is bad, not why; comparing the
 * sectors with the images does. For WAL frame n that failed validation, pass its bytes as
 * `observed`, `walFrameOffset(n, pageSize)` as `fileOffset` and what the file held there before
 * (omit `previous` for an append): `'prefix'` or `'scattered'` is a tear at this sector size, while
 * `'complete'` means every sector was rewritten and the frame is still bad, so the damage is not a
 * tear at this size. Only the region's own bytes are compared; sectors at its ends may be partial.
 * @param input - the region, its images, its file offset and the sector size
 * @returns one state per sector and the overall shape
 * @throws RangeError for a sector size not in {@link TORN_WRITE_SECTOR_SIZES}, a bad file offset or
 * images whose length differs from `observed`; TypeError for images that are not Uint8Arrays
 * @public
 */
export function classifyTornWrite(input: TornWriteInput): TornWriteClassification {
  const { observed, intended, previous, fileOffset, sectorSize } = input;
  checkBytes('observed', observed);
  if (!TORN_WRITE_SECTOR_SIZES.includes(sectorSize)) {
    throw new RangeError(`sectorSize must be a power of two from 512 to 65536, got ${String(sectorSize)}`);
  }
  checkIndex('fileOffset', fileOffset);
  for (const [name, image] of [['intended', intended], ['previous', previous]] as const) {
    if (image === undefined) continue;
    checkBytes(name, image);
    if (image.length !== observed.length) {
      throw new RangeError(`${name} has ${image.length} bytes, observed has ${observed.length}`);
    }
  }

  const firstSector = Math.floor(fileOffset / sectorSize);
  const sectors: SectorState[] = [];
  for (let start = 0; start < observed.length; ) {
    const end = Math.min(observed.length, (firstSector + sectors.length + 1) * sectorSize - fileOffset);
    const holdsPrevious = matches(observed, previous, start, end);
    if (intended === undefined) sectors.push(holdsPrevious ? 'unwritten' : 'written');
    else if (!matches(observed, intended, start, end)) sectors.push(holdsPrevious ? 'unwritten' : 'foreign');
    else sectors.push(holdsPrevious ? 'unchanged' : 'written');
    start = end;
  }
  const shape = shapeOf(sectors);
  return { sectorSize, firstSector, sectors, shape, torn: shape === 'prefix' || shape === 'scattered' };
}

/** Whether a[start, end) equals b[start, end); a missing b reads as zeros. */
function matches(a: Uint8Array, b: Uint8Array | undefined, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (a[i] !== (b === undefined ? 0 : b[i])) return false;
  return true;
}

function shapeOf(sectors: readonly SectorState[]): TornWriteShape {
  if (sectors.includes('foreign')) return 'foreign';
  const firstUnwritten = sectors.indexOf('unwritten');
  const lastWritten = sectors.lastIndexOf('written');
  if (firstUnwritten < 0) return 'complete';
  if (lastWritten < 0) return 'none';
  return lastWritten < firstUnwritten ? 'prefix' : 'scattered';
}
