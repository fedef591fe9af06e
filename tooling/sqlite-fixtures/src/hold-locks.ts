import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { RecipeError } from './errors.js';

/**
 * A byte-range lock for {@link holdLocks} to take.
 * @public
 */
export interface HeldLock {
  /** First byte. */
  readonly offset: number;
  /** Bytes locked, 1 or more. */
  readonly length: number;
  /** `shared` (`F_RDLCK`) or `exclusive` (`F_WRLCK`). */
  readonly mode: 'shared' | 'exclusive';
  /** `posix` (`F_SETLK`, what SQLite takes) or `ofd` (`F_OFD_SETLK`, what litewal's NodeVfs takes). */
  readonly kind: 'posix' | 'ofd';
}

/**
 * A python3 process holding byte-range locks on a file until {@link LockHolderProcess.kill}.
 * @public
 */
export interface LockHolderProcess {
  /** Its process id (the pid /proc/locks shows for its POSIX locks). */
  readonly pid: number;
  /** Whether it is still running (and so still holds its locks). */
  alive(): boolean;
  /** Kills it (SIGKILL) and waits until it is gone, so its locks are released. */
  kill(): Promise<void>;
}

/** Takes each lock given as `kind mode offset length` on argv, prints `locked`, waits for stdin to close. */
const HOLD_LOCKS = `
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDWR)
for spec in sys.argv[2:]:
    kind, mode, offset, length = spec.split(':')
    cmd = fcntl.F_OFD_SETLK if kind == 'ofd' else fcntl.F_SETLK
    lock = fcntl.F_RDLCK if mode == 'shared' else fcntl.F_WRLCK
    fcntl.fcntl(fd, cmd, struct.pack('hhqqi4x', lock, os.SEEK_SET, int(offset), int(length), 0))
print('locked', flush=True)
sys.stdin.read()
`;

/**
 * Starts a python3 process that opens `path` read-write and holds `locks` on it, non-blocking:
 * resolves once all are held, rejects ({@link RecipeError}) when one conflicts with a lock held
 * elsewhere or python3 fails. The process ends when killed or when this process exits.
 * @public
 */
export async function holdLocks(path: string, locks: readonly HeldLock[]): Promise<LockHolderProcess> {
  const child = spawn('python3', ['-c', HOLD_LOCKS, path, ...locks.map((l) => `${l.kind}:${l.mode}:${l.offset}:${l.length}`)]);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const closed = once(child, 'close');
  const first = await Promise.race([once(child.stdout.setEncoding('utf8'), 'data'), closed.then(() => [''])]);
  if (String(first[0]).trim() !== 'locked') {
    child.kill('SIGKILL');
    await closed;
    throw new RecipeError('holdLocks', `python3 could not take ${JSON.stringify(locks)} on ${path}: ${stderr.trim() || 'no output'}`);
  }
  return {
    pid: child.pid as number,
    alive: () => child.exitCode === null && child.signalCode === null,
    async kill(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await closed;
    },
  };
}
