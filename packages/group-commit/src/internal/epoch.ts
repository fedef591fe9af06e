import type { TransactionFrames } from '@litewal/wal-file';
import type { CommitReceipt } from '../commit-receipt.js';
import type { WakeReason } from '../group-commit-stats.js';

/** Why an epoch was sealed (the flusher's wake reason). */
export type SealReason = Extract<WakeReason, 'idle' | 'pipeline' | 'frame-limit' | 'delay'>;

/** A committer's outcome: its receipt, or the error its commit rejects with. */
export type Outcome = { readonly receipt: CommitReceipt } | { readonly error: unknown };

/** One committer: its transaction, its epoch, and the signal its commit() waits for. */
export class Member {
  readonly transaction: TransactionFrames;
  readonly frames: number;
  /** Telemetry.now() when it joined. */
  readonly joinedAt: number;
  readonly epoch: Epoch;
  /** Resolves with 'lead' when it must flush its epoch, or 'done' once it has its outcome. */
  readonly signalled: Promise<'lead' | 'done'>;
  outcome: Outcome | null = null;
  readonly #signal: (kind: 'lead' | 'done') => void;

  constructor(transaction: TransactionFrames, frames: number, epoch: Epoch, joinedAt: number) {
    this.transaction = transaction;
    this.frames = frames;
    this.epoch = epoch;
    this.joinedAt = joinedAt;
    let signal: ((kind: 'lead' | 'done') => void) | undefined;
    this.signalled = new Promise((resolve) => {
      signal = resolve;
    });
    this.#signal = signal as (kind: 'lead' | 'done') => void; // the executor ran synchronously
  }

  lead(): void {
    this.#signal('lead');
  }

  settle(outcome: Outcome): void {
    this.outcome = outcome;
    this.#signal('done');
  }
}

/**
 * A group in the making: `filling` (accepting transactions), `sealed` (closed, waiting for the
 * flush in progress) or `flushing`. Its first member is its flusher.
 */
export class Epoch {
  readonly id: number;
  /** performance.now() when it opened (its first transaction arrived). */
  readonly openedAt: number;
  readonly members: Member[] = [];
  frames = 0;
  state: 'filling' | 'sealed' | 'flushing' = 'filling';
  sealReason: SealReason = 'idle';

  constructor(id: number, openedAt: number) {
    this.id = id;
    this.openedAt = openedAt;
  }

  /** The member that runs the flush: the first one still in the epoch. */
  get flusher(): Member {
    return this.members[0] as Member;
  }

  add(member: Member): void {
    this.members.push(member);
    this.frames += member.frames;
  }

  remove(member: Member): void {
    this.members.splice(this.members.indexOf(member), 1);
    this.frames -= member.frames;
  }

  seal(reason: SealReason): void {
    this.state = 'sealed';
    this.sealReason = reason;
  }
}
