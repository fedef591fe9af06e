import { sharedHashes } from '@litewal/checksum';
import type { Telemetry } from '@litewal/telemetry';
import type { Vfs } from '@litewal/vfs';
import { planRepair } from './internal/plan.js';
import type { LostGroup } from './lost-group.js';
import { frameAt } from './internal/wal-image.js';
import type { ScanOptions } from './scan-wal.js';

/**
 * Options of {@link repairWal}.
 * @public
 */
export interface RepairOptions extends ScanOptions {
  /**
   * Where to record one `wal-fec.repair` event per repaired group (fields: wal, salts, group
   * frames, rewritten frames and their byte offsets, rebuilt pages with the XXH3-128 each matched,
   * frames whose header alone was rewritten, codec, intact repair symbols, evidence) and one
   * `wal-fec.unrepairable` event per lost group.
   */
  readonly telemetry?: Telemetry;
}

/**
 * What {@link repairWal} did.
 * @public
 */
export interface RepairResult {
  /** Protection groups matched to the WAL's generation. */
  readonly groups: number;
  /** Frames rewritten (header and page), ascending; empty when nothing was damaged or something is lost. */
  readonly repairedFrames: readonly number[];
  /** Groups beyond repair; when not empty, nothing was written. */
  readonly unrepairableGroups: readonly LostGroup[];
}

/**
 * Rebuilds the damaged frames of `<db>-wal` from `<db>-wal-fec` and rewrites them in place.
 *
 * @remarks Plans exactly as {@link scanWal}: lost pages are decoded from the surviving pages and
 * the repair symbols, and every rebuilt page must match its XXH3-128 before anything is written.
 * Each damaged frame is rewritten whole, its header rebuilt from the sidecar (page number, commit
 * size), the WAL header (salts) and the recomputed checksum chain, so the WAL's chain is valid
 * again; then the WAL is synced. If any group is lost, nothing at all is written.
 * @param vfs - the file system
 * @param dbPath - the database
 * @param options - shared hashes, telemetry for the repair events
 * @returns frames rewritten and groups lost
 * @throws as {@link scanWal}; the VFS's error when a write or the sync fails
 * @public
 */
export async function repairWal(vfs: Vfs, dbPath: string, options: RepairOptions = {}): Promise<RepairResult> {
  const plan = await planRepair(vfs, dbPath, options.hashes ?? (await sharedHashes()));
  const telemetry = options.telemetry;
  for (const g of plan.lost) {
    telemetry?.event('wal-fec.unrepairable', {
      firstFrame: g.firstFrame,
      lastFrame: g.lastFrame,
      damagedFrames: g.damagedFrames.join(','),
      intactRepairSymbols: g.intactRepairSymbols,
      reason: g.reason,
    });
  }
  if (plan.lost.length > 0 || plan.writes.size === 0 || plan.wal === null) {
    return { groups: plan.groups, repairedFrames: [], unrepairableGroups: plan.lost };
  }
  const wal = plan.wal;
  const file = await vfs.open(wal.path);
  try {
    for (const [frame, bytes] of [...plan.writes].sort((a, b) => a[0] - b[0])) await file.write(bytes, frameAt(wal, frame));
    await file.sync('full');
  } finally {
    await file.close();
  }
  for (const r of plan.repairs) {
    telemetry?.event('wal-fec.repair', {
      wal: wal.path,
      salt1: r.group.salt1,
      salt2: r.group.salt2,
      firstFrame: r.group.firstFrame,
      lastFrame: r.group.lastFrame,
      frames: r.frames.join(','),
      offsets: r.frames.map((f) => frameAt(wal, f)).join(','),
      rebuiltPages: r.rebuiltPages.join(','),
      rebuiltPageHashes: r.rebuiltPages
        .map((f) => Buffer.from(r.group.frames[f - r.group.firstFrame]?.hash ?? []).toString('hex'))
        .join(','),
      headersOnly: r.headerOnly.join(','),
      codec: r.group.codec,
      intactRepairSymbols: r.intactRepairSymbols,
      evidence: 'XXH3-128 of every rebuilt page matches the sidecar; frame checksum chain recomputed from the WAL header',
    });
  }
  return { groups: plan.groups, repairedFrames: [...plan.writes.keys()].sort((a, b) => a - b), unrepairableGroups: plan.lost };
}
