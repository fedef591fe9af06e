import type { Telemetry } from '@litewal/telemetry';
import { SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, type Vfs, type VfsFile } from '@litewal/vfs';
import { repairWal, sidecarPath } from '@litewal/wal-fec';
import { walIndexLockOffset } from '@litewal/wal-index';

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
 * recovered the WAL up to the damage, writing new frames over them. So the repair runs only while
 * `db` (this connection's handle, holding SQLite's SHARED range shared) can hold that range
 * exclusively and no connection holds the wal-index's dead-man switch; new connections wait on
 * the SHARED range until it is shared again.
 */
export async function repairFromSidecar(vfs: Vfs, path: string, db: VfsFile, telemetry: Telemetry): Promise<void> {
  const sidecar = sidecarPath(path);
  const errors = telemetry.counter('litewal_fec_open_errors', 'Opens whose -wal-fec sidecar could not be read or whose repair failed.');
  try {
    if (!(await vfs.exists(sidecar))) return;
    if (!(await db.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'exclusive'))) {
      telemetry.event('database.fec-skipped', { sidecar, reason: 'another connection holds the database SHARED lock' });
      return;
    }
    try {
      if (await deadManSwitchHeld(vfs, `${path}-shm`)) {
        telemetry.event('database.fec-skipped', { sidecar, reason: "another connection holds the wal-index's dead-man switch" });
        return;
      }
      await repair(vfs, path, sidecar, telemetry);
    } finally {
      await db.tryLock(SQLITE_SHARED_FIRST, SQLITE_SHARED_SIZE, 'shared'); // back to shared: a conversion, never refused
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

/** Whether another connection holds the dead-man switch of `shmPath` (false when there is no `-shm`). */
async function deadManSwitchHeld(vfs: Vfs, shmPath: string): Promise<boolean> {
  if (!(await vfs.exists(shmPath))) return false;
  const shm = await vfs.open(shmPath);
  try {
    const dms = walIndexLockOffset('dms');
    if (!(await shm.tryLock(dms, 1, 'exclusive'))) return true;
    await shm.unlock(dms, 1);
    return false;
  } finally {
    await shm.close();
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
