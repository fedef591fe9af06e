import { readFile, readdir, stat } from 'node:fs/promises';

/**
 * Who holds a lock: another process that is alive (locks die with their process), a connection
 * of this process, or unknown (the lock was released meanwhile, or the system does not say).
 */
export interface LockHolder {
  readonly holder: 'live process' | 'this process' | 'unknown';
  /** The holder's process id, when the lock is a POSIX lock (SQLite's); OFD locks (litewal's) carry none. */
  readonly pid?: number;
}

const UNKNOWN: LockHolder = Object.freeze({ holder: 'unknown' });

/** One line of `/proc/locks` or of a `lock:` line in `/proc/<pid>/fdinfo/<fd>`. */
interface LockLine {
  readonly kind: string;
  readonly pid: number;
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

/** `1: POSIX  ADVISORY  READ 20688 fe:00:2171269 123 123` (`->` lines are waiters, not holders). */
const LOCK_LINE = /^\s*\d+:\s+(\S+)\s+\S+\s+\S+\s+(-?\d+)\s+([0-9a-f]+:[0-9a-f]+:\d+)\s+(\d+)\s+(\d+|EOF)\s*$/;

function parse(line: string): LockLine | null {
  const m = LOCK_LINE.exec(line);
  if (m === null) return null;
  const end = m[5] === 'EOF' ? Number.POSITIVE_INFINITY : Number(m[5]);
  return { kind: m[1] as string, pid: Number(m[2]), file: m[3] as string, start: Number(m[4]), end };
}

/** The `/proc/locks` identity of a file: `MAJOR:MINOR:INODE`, the device numbers in hex. */
async function fileId(path: string): Promise<string> {
  const s = await stat(path, { bigint: true });
  const major = ((s.dev >> 8n) & 0xfffn) | ((s.dev >> 32n) & ~0xfffn);
  const minor = (s.dev & 0xffn) | ((s.dev >> 12n) & ~0xffn);
  return `${major.toString(16).padStart(2, '0')}:${minor.toString(16).padStart(2, '0')}:${s.ino}`;
}

/** The OFD locks on `file` covering `offset` that this process's open files hold. */
async function ownOfdLocks(file: string, offset: number): Promise<number> {
  let count = 0;
  for (const fd of await readdir('/proc/self/fdinfo')) {
    let text: string;
    try {
      text = await readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
    } catch {
      continue; // closed meanwhile (the directory's own descriptor among them)
    }
    for (const line of text.split('\n')) {
      if (!line.startsWith('lock:')) continue;
      const lock = parse(line.slice('lock:'.length));
      if (lock !== null && lock.kind === 'OFDLCK' && lock.file === file && lock.start <= offset && offset <= lock.end) count++;
    }
  }
  return count;
}

/**
 * Who holds the byte at `offset` of the file at `path` locked, from Linux's `/proc/locks` (POSIX
 * locks name their process; OFD locks are matched against this process's own descriptors in
 * `/proc/self/fdinfo`). Another process wins over this one when both hold it. Unknown when no
 * holder is listed or `/proc` cannot be read (not Linux, a path that is not a real file).
 */
export async function findLockHolder(path: string, offset: number): Promise<LockHolder> {
  try {
    const file = await fileId(path);
    const locks = (await readFile('/proc/locks', 'utf8'))
      .split('\n')
      .map(parse)
      .filter((lock): lock is LockLine => lock !== null && lock.file === file && lock.start <= offset && offset <= lock.end);
    const other = locks.find((lock) => lock.kind === 'POSIX' && lock.pid !== process.pid);
    if (other !== undefined) return { holder: 'live process', pid: other.pid };
    const ofd = locks.filter((lock) => lock.kind === 'OFDLCK').length;
    const own = ofd > 0 ? await ownOfdLocks(file, offset) : 0;
    if (ofd > own) return { holder: 'live process' };
    if (own > 0 || locks.some((lock) => lock.kind === 'POSIX')) return { holder: 'this process' };
    return UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}
