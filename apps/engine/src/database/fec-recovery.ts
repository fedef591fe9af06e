import type { Telemetry } from '@litewal/telemetry';
import type { Vfs, VfsFile } from '@litewal/vfs';
import { repairWal, sidecarPath } from '@litewal/wal-fec';
import { claimSoleUse, endSoleUse } from '../internal/sole-use.js';

/**
 * At open, inside the recovery fence and before the WAL is recovered: when `<path>-wal-fec`
 * exists, rebuilds the WAL's damaged frames from it (`repairWal` of `@litewal/wal-fec`, which plans
 * exactly as `scanWal`, checks every rebuilt page against its hash and writes nothing at all when
 * any group is beyond repair).
 *
 * @remarks Events and counters: `database.fec-repair` (frames rewritten, groups) and
 * `litewal_fec_repaired_frames`; `database.fec-lost` naming the groups beyond repair (then the WAL
 * is left as it is and opens as SQLite would open it: its valid prefix) and
 * `litewal_fec_lost_groups`; `database.fec-error` when the sidecar cannot be read or the repair
 * fails (the open goes on) and `litewal_fec_open_errors`; `database.fec-skipped` when another
 * connection has the database open. Never throws.
 *
 * Only a sole user may repair: another connection could be reading the damaged frames or, having
 * recovered the WAL up to the damage, writing new frames over them. So the repair runs only under
 * `claimSoleUse` (`db` is this connection's handle on the database file).
 */
export async function repairFromSidecar(vfs: Vfs, path: string, db: VfsFile, telemetry: Telemetry): Promise<void> {
  const sidecar = sidecarPath(path);
  const errors = telemetry.counter('litewal_fec_open_errors', 'Opens whose -wal-fec sidecar could not be read or whose repair failed.');
  try {
    if (!(await vfs.exists(sidecar))) return;
    const other = await claimSoleUse(vfs, db, path);
    if (other !== null) {
      telemetry.event('database.fec-skipped', { sidecar, reason: other });
      return;
    }
    try {
      await repair(vfs, path, sidecar, telemetry);
    } finally {
      await endSoleUse(db);
    }
  } catch (error) {
    errors.inc();
    const code = (error as { code?: unknown } | null)?.code;
    telemetry.event('database.fec-error', {
      sidecar,
      message: error instanceof Error ? error.message : String(error),
      code: typeof code === 'string' ? code : '',
    });
  }
}

async function repair(vfs: Vfs, path: string, sidecar: string, telemetry: Telemetry): Promise<void> {
  const repairedFrames = telemetry.counter('litewal_fec_repaired_frames', 'WAL frames rebuilt from the -wal-fec sidecar at open.');
  const lostGroups = telemetry.counter('litewal_fec_lost_groups', 'Damaged commit groups beyond the repair capacity of the -wal-fec sidecar at open.');
  const result = await repairWal(vfs, path, { telemetry });
  if (result.unrepairableGroups.length > 0) {
    const lost = result.unrepairableGroups;
    lostGroups.inc(lost.length);
    telemetry.event('database.fec-lost', {
      sidecar,
      groups: lost.map((g) => `${g.firstFrame}-${g.lastFrame}`).join(','),
      damagedFrames: lost.flatMap((g) => g.damagedFrames).join(','),
      reasons: lost.map((g) => g.reason).join(','),
    });
  } else if (result.repairedFrames.length > 0) {
    repairedFrames.inc(result.repairedFrames.length);
    telemetry.event('database.fec-repair', { sidecar, frames: result.repairedFrames.join(','), protectedGroups: result.groups });
  }
}
