import type { TransactionFrames } from '@litewal/wal-file';
import type { CommitSink, FlushResult } from '../../src/index.js';

/** One flush the test decides the fate of. */
export interface PendingFlush {
  readonly transactions: readonly TransactionFrames[];
  /** Completes the flush: frames are numbered on from the last successful flush. */
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * A CommitSink whose flushes complete when the test says so (or at once with `auto`), for
 * deterministic interleavings of the coordination; frames are numbered as a log would number them.
 */
export class DeferredSink implements CommitSink {
  readonly pageSize: number;
  readonly calls: PendingFlush[] = [];
  /** Complete every flush as soon as it is called. */
  auto = false;
  /** Syncs each successful flush reports. */
  syncs = 1;
  #nextFrame = 1;
  #inFlight = 0;
  /** Largest number of flushes that were in progress at once. */
  maxConcurrent = 0;

  constructor(pageSize = 512) {
    this.pageSize = pageSize;
  }

  flush(transactions: readonly TransactionFrames[]): Promise<FlushResult> {
    this.#inFlight++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.#inFlight);
    return new Promise<FlushResult>((resolve, reject) => {
      const frames = transactions.reduce((n, t) => n + t.pages.length, 0);
      const call: PendingFlush = {
        transactions,
        resolve: () => {
          this.#inFlight--;
          const firstFrame = this.#nextFrame;
          this.#nextFrame += frames;
          resolve({ firstFrame, lastFrame: firstFrame + frames - 1, syncs: this.syncs, synced: this.syncs > 0 });
        },
        reject: (error) => {
          this.#inFlight--;
          reject(error);
        },
      };
      this.calls.push(call);
      if (this.auto) call.resolve();
    });
  }
}

/** Lets every queued microtask and promise continuation run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
