import { open } from 'node:fs/promises';
import { LockTableError } from '../errors.js';
import { MAX_LOCK_LINE_BYTES } from '../lock-limits.js';

/** Bytes read from a lock table per call: memory stays at this plus one carried partial line. */
const CHUNK_BYTES = 64 * 1024;

/** One parsed line of `/proc/locks`, or of a `lock:` line of `/proc/<pid>/fdinfo/<fd>`. */
export interface LockLine {
  /** `POSIX`, `OFDLCK`, `FLOCK`, `LEASE`, `DELEG`, ... as the kernel names it. */
  readonly type: string;
  /** A process waiting for the lock (`->` lines), not holding it. */
  readonly waiter: boolean;
  /** `READ`, `WRITE` (or `UNLCK`/`NONE` for leases being broken). */
  readonly mode: string;
  /** The holder's pid as this process's pid namespace sees it; -1 for OFD locks, 0 when not visible. */
  readonly pid: number;
  /** Device major and minor, or null for `<none>` (a lock not attached to an inode). */
  readonly major: number | null;
  readonly minor: number | null;
  /** Inode number, decimal. */
  readonly inode: string;
  /** First byte locked. */
  readonly start: number;
  /** Last byte locked, inclusive; null for `EOF` (to the end of the file, however far it grows). */
  readonly end: number | null;
}

/**
 * `1: POSIX  ADVISORY  READ 20688 fe:00:2171269 123 123`, `2: -> OFDLCK ADVISORY WRITE -1 ...`
 * (a waiter), `3: FLOCK ADVISORY WRITE 812 <none>:0 0 EOF` (no inode).
 */
const LOCK_LINE =
  /^\s*\d+:\s+(->\s+)?(\S+)\s+\S+\s+(\S+)\s+(-?\d+)\s+(?:([0-9a-f]+):([0-9a-f]+):(\d+)|<none>:0)\s+(\d+)\s+(\d+|EOF)\s*$/;

/** Parses one line in `/proc/locks` format; null when it is not one. */
export function parseLockLine(line: string): LockLine | null {
  const m = LOCK_LINE.exec(line);
  if (m === null) return null;
  return {
    type: m[2] as string,
    waiter: m[1] !== undefined,
    mode: m[3] as string,
    pid: Number(m[4]),
    major: m[5] === undefined ? null : parseInt(m[5], 16),
    minor: m[6] === undefined ? null : parseInt(m[6], 16),
    inode: m[7] ?? '0',
    start: Number(m[8]),
    end: m[9] === 'EOF' ? null : Number(m[9]),
  };
}

/**
 * Calls `visit` with each line of the file at `path` (without its `\n`) and its 1-based number,
 * reading {@link CHUNK_BYTES} at a time, so a table of millions of lines is never held whole.
 * A line longer than {@link MAX_LOCK_LINE_BYTES} is a {@link LockTableError} when `longLines` is
 * `throw`, or passed over when `skip` (fdinfo files have long lines that are not locks).
 * Errors of `node:fs` (`ENOENT` on open among them) are thrown as they are.
 */
export async function forEachLine(
  path: string,
  longLines: 'throw' | 'skip',
  visit: (line: string, number: number) => void,
): Promise<void> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = '';
    let skipping = false;
    let number = 0;
    const tooLong = (length: number): void => {
      if (longLines === 'throw') {
        throw new LockTableError('ERR_VFS_LOCK_TABLE_FORMAT', path, number, `line longer than ${MAX_LOCK_LINE_BYTES} bytes (${length} bytes and counting)`);
      }
    };
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const text = carry + buffer.toString('latin1', 0, bytesRead);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        number++;
        if (skipping) skipping = false;
        else if (nl - start > MAX_LOCK_LINE_BYTES) tooLong(nl - start);
        else visit(text.slice(start, nl), number);
        start = nl + 1;
      }
      carry = text.slice(start);
      if (carry.length > MAX_LOCK_LINE_BYTES) {
        number++;
        tooLong(carry.length);
        number--; // counted again when its newline comes
        skipping = true;
        carry = '';
      }
    }
    if (carry.length > 0 && !skipping) visit(carry, ++number);
  } finally {
    await handle.close();
  }
}
