import { Worker } from 'node:worker_threads';
import type { FlushedGroup } from '@litewal/group-commit';
import type { Counter, Gauge, Histogram, Telemetry } from '@litewal/telemetry';
import { sidecarPath } from '@litewal/wal-fec';
import type { ResolvedFecOptions } from './fec-options.js';
import { FecBatch } from './fec-batch.js';
import type { FecWorkerData, FromFecWorker, ToFecWorker } from './fec-protocol.js';

/** Page images queued for the worker beyond which further groups are left unprotected. */
export const MAX_QUEUED_FEC_BYTES = 64 * 1024 * 1024;

/**
 * Groups are handed to the worker at most once per this many milliseconds (all those committed
 * meanwhile in one message), so that waking the worker and its two sidecar syncs per batch do not
 * crowd the commits on a machine with few cores and one disk.
 */
export const FEC_HANDOFF_INTERVAL_MS = 20;

/**
 * The compiled worker. Under vitest this module runs from `src/` (transformed on the fly) and a
 * worker thread cannot load TypeScript, so it is always the built `dist/database/fec-worker.js`
 * (`pnpm build`; the engine's `test` task depends on its `build`).
 */
export function fecWorkerUrl(moduleUrl: string = import.meta.url): URL {
  return moduleUrl.endsWith('.ts') ? new URL('../../dist/database/fec-worker.js', moduleUrl) : new URL('./fec-worker.js', moduleUrl);
}

/** The metrics of a database's forward error correction. */
class FecMetrics {
  readonly protectedGroups: Counter;
  readonly records: Counter;
  readonly bytes: Counter;
  readonly skipped: Counter;
  readonly failures: Counter;
  readonly lag: Gauge;
  readonly encodeUs: Histogram;
  readonly protectUs: Histogram;

  constructor(t: Telemetry) {
    this.protectedGroups = t.counter('litewal_fec_groups_protected', 'Commit groups whose repair symbols are durable in the -wal-fec sidecar.');
    this.records = t.counter('litewal_fec_records_written', 'Protection records appended to the sidecar (a group larger than the codec allows takes several).');
    this.bytes = t.counter('litewal_fec_bytes_written', 'Bytes appended to the -wal-fec sidecar.');
    this.skipped = t.counter('litewal_fec_groups_unprotected', 'Commit groups left unprotected: the worker had failed or too many bytes were queued.');
    this.failures = t.counter('litewal_fec_failures', 'Times the protection worker failed (protection stopped; commits went on).');
    this.lag = t.gauge('litewal_fec_lag_groups', 'Commit groups handed to the protection worker and not yet protected.');
    this.encodeUs = t.histogram('litewal_fec_encode_us', 'Microseconds of erasure encoding per protected batch (worker thread).', { unit: 'us' });
    this.protectUs = t.histogram('litewal_fec_protect_us', 'Microseconds per protected batch: hashing, encoding, append and two fdatasyncs (worker thread).', {
      unit: 'us',
    });
  }
}

/**
 * Protects a database's durable commit groups in a worker thread (see `DatabaseFecOptions`).
 * {@link FecProtector.enqueue} copies the group's frames into the pending {@link FecBatch} and
 * returns; every {@link FEC_HANDOFF_INTERVAL_MS} the batch goes to the worker in one message (its
 * buffers transferred, never waited on); the worker keeps the order.
 */
export class FecProtector {
  readonly #worker: Worker;
  readonly #telemetry: Telemetry;
  readonly #metrics: FecMetrics;
  readonly #exited: Promise<void>;
  /** Bytes of the page images of each group not yet acknowledged, by seq. */
  readonly #inFlight = new Map<number, number>();
  #queuedBytes = 0;
  #seq = 0;
  #failed = false;
  #overflowing = false;
  #closed = false;
  /** Groups copied and not yet posted, and the timer that will post them. */
  readonly #pending = new FecBatch();
  #handoff: NodeJS.Timeout | null = null;
  #closing: Promise<void> | null = null;

  constructor(dbPath: string, options: ResolvedFecOptions, telemetry: Telemetry) {
    this.#telemetry = telemetry;
    this.#metrics = new FecMetrics(telemetry);
    const data: FecWorkerData = { sidecar: sidecarPath(dbPath), repairSymbols: options.repairSymbols, codec: options.codec };
    // No inherited execArgv: under vitest they hold `--conditions @litewal/source`, which would
    // send the built worker's imports to TypeScript sources.
    this.#worker = new Worker(fecWorkerUrl(), { workerData: data, name: `litewal fec ${dbPath}`, execArgv: [] });
    this.#worker.unref(); // held (ref) only while groups are queued or closing
    this.#worker.on('message', (message: FromFecWorker) => this.#receive(message));
    this.#exited = new Promise((resolve) => {
      this.#worker.on('error', (error) => this.#fail('worker', error.message, (error as { code?: string }).code ?? ''));
      this.#worker.on('exit', (exitCode) => {
        if (!this.#closed && !this.#failed) this.#fail('worker', `the worker exited with code ${exitCode} before closing the sidecar`, '');
        resolve();
      });
    });
    telemetry.event('database.fec-start', { sidecar: data.sidecar, codec: options.codec, repairSymbols: options.repairSymbols });
  }

  /**
   * Hands a durable, published group to the worker: copies its frames (numbers, page numbers,
   * commit sizes, salts, page images) into transferred buffers and returns at once. Does nothing
   * (but count it) after a failure, after `close()` or while {@link MAX_QUEUED_FEC_BYTES} are queued.
   */
  enqueue(group: FlushedGroup): void {
    // Never throws: it runs in the sink's afterFlush, where an error would roll back a published group.
    try {
      this.#enqueue(group);
    } catch (error) {
      this.#fail('enqueue', error instanceof Error ? error.message : String(error), '');
    }
  }

  #enqueue(group: FlushedGroup): void {
    const header = group.wal.header;
    if (this.#failed || this.#closing !== null || header === null) {
      this.#metrics.skipped.inc();
      return;
    }
    const pageSize = group.wal.pageSize;
    let frames = 0;
    for (const t of group.transactions) frames += t.pages.length;
    const bytes = frames * pageSize;
    if (this.#queuedBytes + bytes > MAX_QUEUED_FEC_BYTES) {
      this.#metrics.skipped.inc();
      if (!this.#overflowing) this.#telemetry.event('database.fec-overflow', { queuedBytes: this.#queuedBytes, limit: MAX_QUEUED_FEC_BYTES, firstFrame: group.append.firstFrame });
      this.#overflowing = true;
      return;
    }
    this.#overflowing = false;
    const seq = ++this.#seq;
    this.#pending.add(seq, group, header.salt1, header.salt2, pageSize, frames);
    this.#inFlight.set(seq, bytes);
    this.#queuedBytes += bytes;
    this.#metrics.lag.set(this.#inFlight.size);
    this.#worker.ref();
    this.#handoff ??= setTimeout(() => this.#postPending(), FEC_HANDOFF_INTERVAL_MS);
  }

  /** Posts the groups copied since the last hand-off, in one message. */
  #postPending(): void {
    if (this.#handoff !== null) clearTimeout(this.#handoff);
    this.#handoff = null;
    if (this.#pending.groups === 0 || this.#failed) return;
    const { message, transfer } = this.#pending.take();
    this.#post(message, transfer);
  }

  /** Waits until the worker has protected every group handed over, closed the sidecar and exited. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#worker.ref();
      this.#postPending();
      if (!this.#failed) this.#post({ type: 'close' }, []);
      await this.#exited;
    })();
    return this.#closing;
  }

  #post(message: ToFecWorker, transfer: ArrayBuffer[]): void {
    try {
      this.#worker.postMessage(message, transfer);
    } catch (error) {
      this.#fail('post', error instanceof Error ? error.message : String(error), '');
    }
  }

  #receive(message: FromFecWorker): void {
    const m = this.#metrics;
    if (message.type === 'protected') {
      for (const [seq, bytes] of this.#inFlight) {
        if (seq > message.upTo) break;
        this.#inFlight.delete(seq);
        this.#queuedBytes -= bytes;
      }
      m.protectedGroups.inc(message.groups);
      m.records.inc(message.records);
      m.bytes.inc(message.bytes);
      m.encodeUs.record(message.encodeUs);
      m.protectUs.record(message.protectUs);
      for (const buffer of message.buffers) this.#pending.recycle(buffer);
      m.lag.set(this.#inFlight.size);
      if (this.#inFlight.size === 0 && this.#closing === null) this.#worker.unref();
    } else if (message.type === 'failed') {
      this.#fail(message.stage, message.message, message.code);
    } else {
      this.#closed = true;
    }
  }

  /** Records the failure once; the groups not protected count as unprotected. */
  #fail(stage: string, message: string, code: string): void {
    if (this.#failed) return;
    this.#failed = true;
    const unprotected = this.#inFlight.size;
    this.#metrics.failures.inc();
    this.#metrics.skipped.inc(unprotected);
    this.#inFlight.clear();
    this.#pending.clear();
    this.#queuedBytes = 0;
    this.#metrics.lag.set(0);
    this.#telemetry.event('database.fec-failed', { stage, message, code, unprotectedGroups: unprotected, lastSeq: this.#seq });
  }
}
