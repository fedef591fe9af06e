import { GrowableBytes } from './growable-bytes.js';

/** A write or truncate made through FaultVfs and not yet covered by a successful sync. */
export type PendingOp =
  | { readonly kind: 'write'; readonly position: number; readonly data: Uint8Array }
  | { readonly kind: 'truncate'; readonly size: number };

/** Applies `ops` in order to a copy of `image`. */
export function replay(image: Uint8Array, ops: readonly PendingOp[]): Uint8Array<ArrayBuffer> {
  const bytes = new GrowableBytes(image);
  for (const op of ops) {
    if (op.kind === 'write') bytes.write(op.data, op.position);
    else bytes.truncate(op.size);
  }
  return bytes.toBytes();
}

/** FaultVfs' view of one file: its durable image and the operations since its last sync. */
export class TrackedFile {
  /** Content as of the last successful sync (or as found when first opened). */
  durable: Uint8Array;
  /** Unsynced operations, in completion order. */
  pending: PendingOp[] = [];
  /** Whether a write or truncate was attempted since the last crash, so the crash must rewrite the file. */
  touched = false;

  constructor(durable: Uint8Array) {
    this.durable = durable;
  }

  /** Records a copy of a completed write; an empty write changes nothing and is not recorded. */
  recordWrite(position: number, data: Uint8Array): void {
    if (data.length === 0) return;
    this.pending.push({ kind: 'write', position, data: data.slice() });
  }

  recordTruncate(size: number): void {
    this.pending.push({ kind: 'truncate', size });
  }

  /** Makes the first `count` pending operations durable (those that completed before the sync began). */
  markSynced(count: number): void {
    this.durable = replay(this.durable, this.pending.slice(0, count));
    this.pending = this.pending.slice(count);
  }

  /** After a crash: `image` is what survived, nothing is pending. */
  reset(image: Uint8Array): void {
    this.durable = image;
    this.pending = [];
    this.touched = false;
  }
}
