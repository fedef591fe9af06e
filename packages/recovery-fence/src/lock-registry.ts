import { sharedHashes, type Hashes } from '@litewal/checksum';
import type { LockMode, Vfs, VfsFile } from '@litewal/vfs';
import { RecoveryFenceError, RegistryCorruptError, RegistryFullError } from './errors.js';
import {
  REGISTRY_COPY_BYTES,
  REGISTRY_FILE_BYTES,
  REGISTRY_LOCK_OFFSET,
  REGISTRY_MAX_RECORDS,
  REGISTRY_SUFFIX,
} from './format.js';
import type { LockClaim, LockRange, LockRecord } from './lock-record.js';
import { isProcessAlive } from './process-alive.js';
import { checkPid, checkTimeout } from './internal/checks.js';
import { lockWithin } from './internal/lock-within.js';
import { decodeRegistry, encodeRegistryCopy, type RegistryState } from './internal/registry-codec.js';

/**
 * Options of {@link LockRegistry.open}.
 * @public
 */
export interface LockRegistryOptions {
  /**
   * Path of the registry file.
   * @defaultValue `dbPath` + {@link REGISTRY_SUFFIX}
   */
  readonly path?: string;
  /**
   * Process id that {@link LockRegistry.register} records as the owner.
   * @defaultValue `process.pid`
   */
  readonly pid?: number;
  /**
   * Liveness probe used by {@link LockRegistry.releaseDead}.
   * @defaultValue {@link isProcessAlive}
   */
  readonly isAlive?: (pid: number) => boolean | Promise<boolean>;
  /**
   * How long to wait, in milliseconds, while another handle or process reads or updates the file.
   * @defaultValue 5000
   */
  readonly lockTimeoutMs?: number;
}

/**
 * Options of {@link LockRegistry.read}.
 * @public
 */
export type ReadLockRegistryOptions = Pick<LockRegistryOptions, 'path' | 'lockTimeoutMs'>;

const DEFAULT_LOCK_TIMEOUT_MS = 5000;
const FILES = new Set(['db', 'wal', 'shm']);
const MODES = new Set(['shared', 'exclusive']);

/**
 * Records which byte-range locks litewal processes hold on a database, with the owner's process
 * id, in the sidecar file `<db>-litewal-locks`, so that another process can tell who holds what and
 * a survivor can clean up after a process that died.
 *
 * @remarks
 * The kernel drops the locks of a dead process by itself; the registry is what lets a survivor
 * learn that it died holding, say, the RECOVER or the checkpoint lock (so that its work was cut
 * short), and drop its records with {@link LockRegistry.releaseDead}. The records are advisory: the
 * locks themselves are the truth.
 *
 * File layout: two copies of {@link REGISTRY_COPY_BYTES} bytes at offsets 0 and
 * {@link REGISTRY_COPY_BYTES}, each `[header][record × count]` (see {@link REGISTRY_HEADER_BYTES}
 * and {@link REGISTRY_RECORD_BYTES}) with an XXH3-128 checksum and a sequence number. A writer
 * replaces the older copy with sequence + 1 and syncs it; a reader takes the newest copy whose
 * checksum holds. A torn write therefore leaves the previous state readable, without the rename
 * that a temporary file would need (and that would move the file from under the byte-range lock
 * serialising writers: an exclusive lock on byte {@link REGISTRY_LOCK_OFFSET}; readers take it shared).
 * The file never exceeds {@link REGISTRY_FILE_BYTES}; anything else is a typed error.
 *
 * Calls on one instance run one at a time, in call order.
 * @public
 */
export class LockRegistry {
  /** Path of the registry file. */
  readonly path: string;
  /** Process id recorded as the owner of what this instance registers. */
  readonly pid: number;
  readonly #file: VfsFile;
  readonly #hashes: Hashes;
  readonly #isAlive: (pid: number) => boolean | Promise<boolean>;
  readonly #lockTimeoutMs: number;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;

  private constructor(file: VfsFile, hashes: Hashes, pid: number, options: LockRegistryOptions) {
    this.path = file.path;
    this.pid = pid;
    this.#file = file;
    this.#hashes = hashes;
    this.#isAlive = options.isAlive ?? isProcessAlive;
    this.#lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  }

  /**
   * Opens (creating it if needed) the registry of the database at `dbPath`.
   * @throws `VfsError` from opening the file.
   * @throws `RangeError` for a `pid` outside 1..2^31-1 or a `lockTimeoutMs` outside 0..2^31-1.
   */
  static async open(vfs: Vfs, dbPath: string, options: LockRegistryOptions = {}): Promise<LockRegistry> {
    const pid = checkPid('pid', options.pid ?? process.pid);
    checkTimeout('lockTimeoutMs', options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    const hashes = await sharedHashes();
    const file = await vfs.open(options.path ?? `${dbPath}${REGISTRY_SUFFIX}`, { create: true });
    return new LockRegistry(file, hashes, pid, options);
  }

  /**
   * Reads the records of the registry of `dbPath` without creating or changing anything (for
   * inspection tools): an empty list when the file does not exist.
   * @throws {@link RegistryCorruptError}, {@link RegistryVersionError}, {@link RecoveryFenceError}
   * `ERR_RECOVERY_FENCE_REGISTRY_BUSY` when a writer holds the file past `lockTimeoutMs`;
   * `VfsError` from reading.
   */
  static async read(vfs: Vfs, dbPath: string, options: ReadLockRegistryOptions = {}): Promise<readonly LockRecord[]> {
    const timeoutMs = checkTimeout('lockTimeoutMs', options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS);
    const path = options.path ?? `${dbPath}${REGISTRY_SUFFIX}`;
    if (!(await vfs.exists(path))) return [];
    const hashes = await sharedHashes();
    const file = await vfs.open(path, { readOnly: true });
    try {
      return await withFileLock(file, 'shared', timeoutMs, async () => (await readState(file, hashes)).records);
    } finally {
      await file.close();
    }
  }

  /**
   * Every record, in registration order.
   * @throws as {@link LockRegistry.read}, and {@link RecoveryFenceError} `ERR_RECOVERY_FENCE_CLOSED`.
   */
  async list(): Promise<readonly LockRecord[]> {
    return this.#serial('shared', async (state) => state.records);
  }

  /**
   * Records that this instance's process holds `claim`. Registering the same range again
   * (same file, offset and length) returns the existing record, updated in place if the mode changed.
   * @returns the record as stored.
   * @throws {@link RegistryFullError} when {@link REGISTRY_MAX_RECORDS} records exist; as {@link LockRegistry.list}.
   * @throws `RangeError`/`TypeError` for an invalid claim.
   */
  async register(claim: LockClaim): Promise<LockRecord> {
    checkClaim(claim);
    return this.#serial('exclusive', async (state) => {
      const at = state.records.findIndex((r) => this.#owns(r, claim));
      const existing = state.records[at];
      if (existing !== undefined && existing.mode === claim.mode) return existing;
      const record: LockRecord = {
        pid: this.pid,
        file: claim.file,
        offset: claim.offset,
        length: claim.length,
        mode: claim.mode,
        acquiredAtMs: existing?.acquiredAtMs ?? Date.now(),
      };
      if (existing === undefined && state.records.length >= REGISTRY_MAX_RECORDS) {
        throw new RegistryFullError(this.path, state.records.length, REGISTRY_MAX_RECORDS);
      }
      const records = existing === undefined ? [...state.records, record] : state.records.map((r, i) => (i === at ? record : r));
      await this.#write(state, records);
      return record;
    });
  }

  /**
   * Removes this instance's process's record of `range` (same file, offset and length).
   * @returns whether there was one.
   * @throws as {@link LockRegistry.list}.
   */
  async unregister(range: LockRange): Promise<boolean> {
    checkRange(range);
    return this.#serial('exclusive', async (state) => {
      const records = state.records.filter((r) => !this.#owns(r, range));
      if (records.length === state.records.length) return false;
      await this.#write(state, records);
      return true;
    });
  }

  /**
   * Removes the records of every process that is no longer alive (by the `isAlive` probe; this
   * instance's own pid is never probed).
   * @returns the records removed: what the dead processes held when they died.
   * @throws as {@link LockRegistry.list}, and whatever `isAlive` throws.
   */
  async releaseDead(): Promise<readonly LockRecord[]> {
    return this.#serial('exclusive', async (state) => {
      const verdicts = new Map<number, boolean>();
      for (const { pid } of state.records) {
        if (!verdicts.has(pid)) verdicts.set(pid, pid === this.pid || (await this.#isAlive(pid)));
      }
      const dead = state.records.filter((r) => verdicts.get(r.pid) === false);
      if (dead.length > 0)
        await this.#write(
          state,
          state.records.filter((r) => verdicts.get(r.pid) === true),
        );
      return dead;
    });
  }

  /**
   * Closes the file once the calls already made have finished; later calls are refused. Records
   * stay: unregister what this process no longer holds first. Closing again does nothing.
   * @throws `VfsError` from closing.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue;
    await this.#file.close();
  }

  #owns(record: LockRecord, range: LockRange): boolean {
    return (
      record.pid === this.pid && record.file === range.file && record.offset === range.offset && record.length === range.length
    );
  }

  #serial<T>(mode: LockMode, operation: (state: RegistryState) => Promise<T>): Promise<T> {
    if (this.#closed)
      return Promise.reject(new RecoveryFenceError('ERR_RECOVERY_FENCE_CLOSED', `lock registry ${this.path} is closed`));
    const run = (): Promise<T> =>
      withFileLock(this.#file, mode, this.#lockTimeoutMs, async () => operation(await readState(this.#file, this.#hashes)));
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #write(state: RegistryState, records: readonly LockRecord[]): Promise<void> {
    await this.#file.write(encodeRegistryCopy(state.sequence + 1n, records, this.#hashes), state.nextCopy * REGISTRY_COPY_BYTES);
    await this.#file.sync('data');
  }
}

async function withFileLock<T>(file: VfsFile, mode: LockMode, timeoutMs: number, body: () => Promise<T>): Promise<T> {
  if ((await lockWithin(file, REGISTRY_LOCK_OFFSET, mode, timeoutMs, undefined)) !== 'granted') {
    throw new RecoveryFenceError(
      'ERR_RECOVERY_FENCE_REGISTRY_BUSY',
      `lock registry ${file.path} stayed locked by another handle or process for ${timeoutMs} ms, limit ${timeoutMs} ms`,
    );
  }
  try {
    return await body();
  } finally {
    await file.unlock(REGISTRY_LOCK_OFFSET, 1);
  }
}

async function readState(file: VfsFile, hashes: Hashes): Promise<RegistryState> {
  const size = await file.size();
  if (size > REGISTRY_FILE_BYTES)
    throw new RegistryCorruptError(file.path, `the file is ${size} bytes, at most ${REGISTRY_FILE_BYTES}`);
  const image = new Uint8Array(size);
  const read = await file.read(image, 0);
  return decodeRegistry(image.subarray(0, read), hashes, file.path);
}

function checkRange(range: LockRange): void {
  if (!FILES.has(range.file)) throw new TypeError(`file must be 'db', 'wal' or 'shm', got ${String(range.file)}`);
  if (!Number.isSafeInteger(range.offset) || range.offset < 0) {
    throw new RangeError(`offset must be a non-negative safe integer, got ${String(range.offset)}`);
  }
  if (!Number.isSafeInteger(range.length) || range.length < 1) {
    throw new RangeError(`length must be a positive safe integer, got ${String(range.length)}`);
  }
}

function checkClaim(claim: LockClaim): void {
  checkRange(claim);
  if (!MODES.has(claim.mode)) throw new TypeError(`mode must be 'shared' or 'exclusive', got ${String(claim.mode)}`);
}
