import { readdir, stat } from 'node:fs/promises';
import { LockTableError } from './errors.js';
import { forEachLine, parseLockLine, type LockLine } from './internal/proc-locks.js';
import { mapErrors, toVfsError } from './internal/node-errors.js';
import { MAX_LOCK_RECORDS } from './lock-limits.js';

/**
 * Linux's table of every file lock in the system, one line per lock.
 * @public
 */
export const PROC_LOCKS_PATH = '/proc/locks';

/**
 * One byte-range lock held on a file, as {@link queryLocks} found it.
 * @public
 */
export interface LockRecord {
  /** First byte locked. Exact below 2^53. */
  readonly offset: number;
  /** Bytes locked, or null for a lock to the end of the file however far it grows (`EOF`). */
  readonly length: number | null;
  /** `shared` (a read lock, `F_RDLCK`) or `exclusive` (a write lock, `F_WRLCK`). */
  readonly mode: 'shared' | 'exclusive';
  /**
   * `posix`: a process-owned `fcntl(F_SETLK)` lock, as SQLite takes; `ofd`: an
   * open-file-description lock (`F_OFD_SETLK`), as {@link NodeVfs} takes. Both kinds conflict.
   */
  readonly kind: 'posix' | 'ofd';
  /**
   * The holder's process id when the kernel names it: POSIX locks of processes visible in this
   * process's pid namespace. Null for OFD locks (the kernel lists them with pid -1) and for holders
   * outside the namespace.
   */
  readonly pid: number | null;
  /**
   * `this process` when the lock is this process's own (its pid, or an OFD lock on one of its open
   * files); `live process` otherwise: locks die with their process, so a listed lock has a living
   * holder.
   */
  readonly holder: 'this process' | 'live process';
}

/**
 * Options of {@link queryLocks}.
 * @public
 */
export interface QueryLocksOptions {
  /**
   * Only locks that overlap these bytes: `offset` (0 or more) and `length` (1 or more).
   * @defaultValue every lock on the file
   */
  readonly range?: { readonly offset: number; readonly length: number };
  /**
   * The lock table to read, e.g. the host's when its `/proc` is mounted elsewhere.
   * @defaultValue {@link PROC_LOCKS_PATH}
   */
  readonly lockTable?: string;
}

/**
 * Lists the byte-range locks held on the file at `path` (matched by device and inode, so another
 * name of the same file counts and another file does not), from Linux's `/proc/locks`, without
 * taking or testing any lock.
 *
 * @remarks
 * The table is read {@link MAX_LOCK_LINE_BYTES}-bounded line by line in 64 KiB chunks, keeping only
 * this file's locks: memory does not grow with the table, however many lines it has; more than
 * {@link MAX_LOCK_RECORDS} locks on this file is an error. The kernel hands the table out a page
 * (about 60 lines) per read and locks taken or released between two reads shift the rest, so one
 * pass can list an entry twice or skip one: the table is read until two passes agree on this
 * file's locks (at most 4 passes; then the last is returned), and a repeated POSIX entry is listed
 * once. The answer is what was held at some instant during the call, as with any lock query.
 * Waiters (`->` lines) are not holders and are left out; so are `flock`, lease and delegation
 * entries, which never conflict with byte-range locks. OFD locks carry no pid: they are matched
 * against this process's own in `/proc/self/fdinfo` (by mode and range, so a foreign OFD lock
 * identical to one of this process's can be taken for it). Some file systems (btrfs subvolumes,
 * overlayfs) list a device other than the one `stat` reports; their locks are then not found.
 *
 * @param path - The file, which must exist.
 * @returns The locks in table order, or null when the lock table does not exist (not Linux, or no
 *   `/proc`).
 * @throws {@link VfsError} `ERR_VFS_NOT_FOUND` when `path` does not exist, `ERR_VFS_IO` when it or
 *   the table cannot be read.
 * @throws {@link LockTableError} `ERR_VFS_LOCK_TABLE_FORMAT` for a line that is not in
 *   `/proc/locks` format, `ERR_VFS_LOCK_TABLE_LIMIT` past {@link MAX_LOCK_RECORDS} locks.
 * @throws `RangeError` for a `range` that is not whole non-negative numbers with length 1 or more.
 * @public
 */
export async function queryLocks(path: string, options: QueryLocksOptions = {}): Promise<LockRecord[] | null> {
  const table = options.lockTable ?? PROC_LOCKS_PATH;
  const first = options.range?.offset ?? 0;
  const last = options.range === undefined ? Number.POSITIVE_INFINITY : options.range.offset + options.range.length - 1;
  if (options.range !== undefined && !(isCount(options.range.offset, 0) && isCount(options.range.length, 1))) {
    throw new RangeError(`range must be offset >= 0 and length >= 1, whole numbers; got offset ${options.range.offset}, length ${options.range.length}`);
  }
  const file = await mapErrors(path, 'stat', () => stat(path, { bigint: true }));
  const id = deviceOf(file.dev);
  const inode = file.ino.toString();
  // The kernel hands the table out a page per read, and locks taken or released between two
  // reads shift the rest: an entry can be listed twice or skipped. Read until two passes agree.
  let found: LockLine[] | null;
  let previous: string | null = null;
  for (let pass = 1; ; pass++) {
    found = await readTable(table, { path, id, inode, first, last });
    if (found === null) return null;
    const seen = found.map((lock) => `${lock.type} ${lock.pid} ${keyOf(lock)}`).join('\n');
    if (seen === previous || pass === MAX_PASSES) break;
    previous = seen;
  }
  const own = found.some((lock) => lock.type === 'OFDLCK' && lock.pid <= 0) ? await ownOfdLocks(id, inode) : new Map<string, number>();
  return found.map((lock) => {
    const pid = lock.pid > 0 ? lock.pid : null;
    let mine = pid === process.pid;
    if (pid === null && lock.type === 'OFDLCK') {
      const key = keyOf(lock);
      const left = own.get(key) ?? 0;
      if (left > 0) own.set(key, left - 1);
      mine = left > 0;
    }
    return {
      offset: lock.start,
      length: lock.end === null ? null : lock.end - lock.start + 1,
      mode: lock.mode === 'READ' ? 'shared' : 'exclusive',
      kind: lock.type === 'POSIX' ? 'posix' : 'ofd',
      pid,
      holder: mine ? 'this process' : 'live process',
    };
  });
}

/** Passes over the lock table before the last one is taken as it is (the table never held still). */
const MAX_PASSES = 4;

interface Wanted {
  readonly path: string;
  readonly id: DeviceId;
  readonly inode: string;
  readonly first: number;
  readonly last: number;
}

/**
 * One pass over the lock table: the POSIX and OFD locks held on the wanted file that overlap
 * `first..last`, in table order, an entry repeated by the read listed once; null when the table
 * does not exist.
 */
async function readTable(table: string, wanted: Wanted): Promise<LockLine[] | null> {
  const found: LockLine[] = [];
  const posix = new Set<string>();
  try {
    await forEachLine(table, 'throw', (text, number) => {
      const lock = parseLockLine(text);
      if (lock === null) throw new LockTableError('ERR_VFS_LOCK_TABLE_FORMAT', table, number, `not a lock line: ${JSON.stringify(text.slice(0, 80))}`);
      if (lock.waiter || (lock.type !== 'POSIX' && lock.type !== 'OFDLCK')) return;
      if (lock.inode !== wanted.inode || lock.major !== wanted.id.major || lock.minor !== wanted.id.minor) return;
      if (lock.start > wanted.last || (lock.end !== null && lock.end < wanted.first)) return;
      if (lock.mode !== 'READ' && lock.mode !== 'WRITE') {
        throw new LockTableError('ERR_VFS_LOCK_TABLE_FORMAT', table, number, `lock mode ${lock.mode}, expected READ or WRITE`);
      }
      if (lock.type === 'POSIX') {
        // The kernel merges a process's POSIX locks, so one process never holds two identical
        // ones: a second is the same entry read twice. (Two OFD holders can hold identical locks.)
        const key = `${lock.pid} ${keyOf(lock)}`;
        if (posix.has(key)) return;
        posix.add(key);
      }
      if (found.length === MAX_LOCK_RECORDS) {
        throw new LockTableError('ERR_VFS_LOCK_TABLE_LIMIT', table, number, `more than ${MAX_LOCK_RECORDS} locks on ${wanted.path}`);
      }
      found.push(lock);
    });
  } catch (error) {
    if (error instanceof LockTableError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw toVfsError(error, table, 'read');
  }
  return found;
}

function isCount(value: number, min: number): boolean {
  return Number.isSafeInteger(value) && value >= min;
}

interface DeviceId {
  readonly major: number;
  readonly minor: number;
}

/** Splits a `stat` device number as glibc's `major()`/`minor()` do; the kernel prints these in hex. */
function deviceOf(dev: bigint): DeviceId {
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  return { major: Number(major), minor: Number(minor) };
}

function keyOf(lock: LockLine): string {
  return `${lock.mode} ${lock.start} ${lock.end ?? 'EOF'}`;
}

/**
 * This process's OFD locks on the file, counted by mode and range, from the `lock:` lines of
 * `/proc/self/fdinfo/*`; empty where that directory cannot be read.
 */
async function ownOfdLocks(id: DeviceId, inode: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let fds: string[];
  try {
    fds = await readdir('/proc/self/fdinfo');
  } catch {
    return counts;
  }
  for (const fd of fds) {
    try {
      await forEachLine(`/proc/self/fdinfo/${fd}`, 'skip', (text) => {
        if (!text.startsWith('lock:')) return;
        const lock = parseLockLine(text.slice('lock:'.length));
        if (lock === null || lock.waiter || lock.type !== 'OFDLCK') return;
        if (lock.inode !== inode || lock.major !== id.major || lock.minor !== id.minor) return;
        const key = keyOf(lock);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      });
    } catch {
      continue; // closed meanwhile (the directory's own descriptor among them)
    }
  }
  return counts;
}
