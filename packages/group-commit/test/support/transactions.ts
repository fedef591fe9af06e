import type { TransactionFrames } from '@litewal/wal-file';

/**
 * A page image identified by (transaction id, page index) in its first 8 bytes, the rest a
 * pseudo-random pattern of both, so every page of every test transaction is distinct.
 */
export function taggedPage(pageSize: number, id: number, index: number): Uint8Array {
  const bytes = new Uint8Array(pageSize);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, id);
  view.setUint32(4, index);
  let x = (Math.imul(id + 1, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  for (let i = 8; i < pageSize; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

/** Reads back the transaction id of a tagged page. */
export function tagOf(page: Uint8Array): { id: number; index: number } {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  return { id: view.getUint32(0), index: view.getUint32(4) };
}

/** A committing transaction of `count` tagged pages (page numbers 1 + ((id + i) % 50)). */
export function tx(pageSize: number, id: number, count = 1): TransactionFrames {
  const pages = Array.from({ length: count }, (_, i) => ({ pageNumber: 1 + ((id + i) % 50), data: taggedPage(pageSize, id, i) }));
  return { pages, commitSize: 50 + (id % 7) };
}
