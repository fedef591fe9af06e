import { access, readFile } from 'node:fs/promises';
import { checkPid } from './internal/checks.js';

/**
 * Tells whether process `pid` is alive on this machine.
 *
 * @remarks
 * `process.kill(pid, 0)`: `ESRCH` means dead, success or `EPERM` (another user's process) means it
 * exists. On Linux a process that exists may still be a zombie (exited, not yet reaped by its
 * parent, its locks already dropped by the kernel): state `Z` or `X` in `/proc/<pid>/stat` counts
 * as dead. Without procfs, existence is the answer. A pid reused by an unrelated process reads as
 * alive: the safe direction, since {@link LockRegistry.releaseDead} then keeps a record it could
 * have dropped.
 * @throws RangeError unless `pid` is an integer from 1 to 2^31-1.
 * @public
 */
export async function isProcessAlive(pid: number): Promise<boolean> {
  checkPid('pid', pid);
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !(await hasExited(pid));
}

/** Whether procfs shows `pid` as a zombie or gone (it may exit between the probe and the read). */
async function hasExited(pid: number): Promise<boolean> {
  let stat: string;
  try {
    stat = await readFile(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return procfsMounted();
  }
  // `pid (comm) S ...`: comm may contain ')' and spaces, the state follows the last ')'.
  const state = stat.charAt(stat.lastIndexOf(')') + 2);
  return state === 'Z' || state === 'X';
}

async function procfsMounted(): Promise<boolean> {
  try {
    await access('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
}
