export { fromHex, toHex } from '@litewal/sqlite-fixtures';

export const ascii = (text: string): Uint8Array<ArrayBuffer> => new TextEncoder().encode(text);

/** Index of the first differing byte, or -1 when equal (vitest's deep equality is slow on megabytes). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
