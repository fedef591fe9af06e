/**
 * Why a protection group cannot be repaired.
 *
 * @remarks
 * - `'too-many-losses'`: more damaged pages than intact repair symbols.
 * - `'decode-failed'`: enough symbols, but the code could not decode this set (RaptorQ only).
 * - `'hash-mismatch'`: a rebuilt page did not match its XXH3-128 (never written).
 * - `'after-lost-group'`: damaged frames after a lost group or a missing stretch of the WAL, whose
 *   checksum chain cannot be rebuilt.
 * @public
 */
export type LostReason = 'too-many-losses' | 'decode-failed' | 'hash-mismatch' | 'after-lost-group';

/**
 * A protection group whose damage is beyond repair.
 * @public
 */
export interface LostGroup {
  /** First frame of the group. */
  readonly firstFrame: number;
  /** Last frame of the group. */
  readonly lastFrame: number;
  /** Its damaged frames. */
  readonly damagedFrames: readonly number[];
  /** Intact repair symbols found in the sidecar for it. */
  readonly intactRepairSymbols: number;
  /** Why it cannot be repaired. */
  readonly reason: LostReason;
}
