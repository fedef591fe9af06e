import { sharedHashes, type Hashes } from '@litewal/checksum';
import type { Vfs } from '@litewal/vfs';
import { planRepair } from './internal/plan.js';
import type { LostGroup } from './lost-group.js';

/**
 * Options of {@link scanWal} and {@link repairWal}.
 * @public
 */
export interface ScanOptions {
  /**
   * Loaded hash functions, to share one instance.
   * @defaultValue the process-wide `sharedHashes()` of `@litewal/checksum`
   */
  readonly hashes?: Hashes;
}

/**
 * What {@link scanWal} found.
 * @public
 */
export interface ScanResult {
  /** Protection groups of the sidecar that belong to the WAL's current generation. */
  readonly groups: number;
  /** Groups of other WAL generations (other salts or page size), ignored. */
  readonly staleGroups: number;
  /** Damaged frames in protected groups, ascending: a page that fails its hash, a frame header field that differs from the sidecar, or a checksum that breaks the chain. */
  readonly damagedFrames: readonly number[];
  /** True when every damaged frame can be rebuilt (also when nothing is damaged). */
  readonly repairable: boolean;
  /** Groups whose damage is beyond repair. */
  readonly unrepairableGroups: readonly LostGroup[];
  /** The sidecar had a torn tail, ignored. */
  readonly tornTail: boolean;
}

/**
 * Checks every protected frame of `<db>-wal` against `<db>-wal-fec`, changing nothing.
 *
 * @remarks Groups match the WAL by its salts and page size. Each frame's page is hashed
 * (XXH3-128) and its header compared with the sidecar (page number, commit size, salts), so frames
 * after a break in the WAL's checksum chain are still judged; the chain itself is recomputed from
 * the WAL header through the expected pages. Damaged groups are trial-decoded, so `repairable` is
 * exact for RaptorQ too. Frames no group covers are not judged.
 * @param vfs - the file system
 * @param dbPath - the database; the WAL is `<db>-wal`, the sidecar `<db>-wal-fec`
 * @param options - shared hashes
 * @returns groups matched, damaged frames, whether all can be repaired, the lost groups
 * @throws {@link NotAWalError}; {@link SidecarMagicError}, {@link SidecarChecksumError},
 * {@link SidecarLimitError} for a damaged sidecar
 * @public
 */
export async function scanWal(vfs: Vfs, dbPath: string, options: ScanOptions = {}): Promise<ScanResult> {
  const plan = await planRepair(vfs, dbPath, options.hashes ?? (await sharedHashes()));
  return {
    groups: plan.groups,
    staleGroups: plan.staleGroups,
    damagedFrames: plan.damagedFrames,
    repairable: plan.lost.length === 0,
    unrepairableGroups: plan.lost,
    tornTail: plan.tornTail,
  };
}
