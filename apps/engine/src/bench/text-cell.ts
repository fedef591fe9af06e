/**
 * In-place rewrites of a fixed-width text column in a SQLite table b-tree leaf page, for tables
 * `(id INTEGER PRIMARY KEY, v TEXT)`: the cell keeps its size, so the page stays valid for SQLite.
 */

const TABLE_LEAF = 0x0d;

/** Reads a SQLite varint at `at`: its value and length. */
function varint(page: Uint8Array, at: number): { value: number; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const byte = page[at + i] as number;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) return { value, length: i + 1 };
  }
  return { value: value * 256 + (page[at + 8] as number), length: 9 };
}

/**
 * Where row `rowid`'s text column `v` (`width` bytes) starts in a table leaf page that is not
 * page 1.
 * @throws Error when the page is not a table leaf, the row is not on it, or `v` is not a
 * `width`-byte text.
 */
export function textCellOffset(page: Uint8Array, rowid: number, width: number): number {
  if (page[0] !== TABLE_LEAF) throw new Error(`not a table leaf page (type ${page[0]})`);
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const cells = view.getUint16(3, false);
  for (let i = 0; i < cells; i++) {
    let at = view.getUint16(8 + 2 * i, false);
    at += varint(page, at).length; // payload size
    const id = varint(page, at);
    at += id.length;
    if (id.value !== rowid) continue;
    const headerSize = varint(page, at);
    let typeAt = at + headerSize.length;
    typeAt += varint(page, typeAt).length; // column id: NULL (the rowid alias)
    const textType = varint(page, typeAt).value;
    if (textType !== 13 + 2 * width) throw new Error(`row ${rowid}: serial type ${textType} is not a ${width}-byte text`);
    return at + headerSize.value;
  }
  throw new Error(`row ${rowid} is not on the page`);
}

const encoder = new TextEncoder();

/** Rewrites row `rowid`'s `v` with `text` (ASCII, exactly the width it has) in a leaf page image. */
export function writeTextCell(page: Uint8Array, rowid: number, text: string): void {
  const at = textCellOffset(page, rowid, text.length);
  encoder.encodeInto(text, page.subarray(at, at + text.length));
}
