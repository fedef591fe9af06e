/** B-tree page types (byte 0 of the page header). */
export const INTERIOR_INDEX = 0x02;
export const INTERIOR_TABLE = 0x05;
export const LEAF_INDEX = 0x0a;
export const LEAF_TABLE = 0x0d;

/** Sizes SQLite derives from the usable page size. */
export interface PageGeometry {
  readonly pageSize: number;
  readonly usableSize: number;
  /** Most cells a page can hold (SQLite's MX_CELL). */
  readonly maxCells: number;
  readonly tableMaxLocal: number;
  readonly tableMinLocal: number;
  readonly indexMaxLocal: number;
  readonly indexMinLocal: number;
}

export function pageGeometry(pageSize: number, usableSize: number): PageGeometry {
  const minLocal = Math.floor(((usableSize - 12) * 32) / 255) - 23;
  return {
    pageSize,
    usableSize,
    maxCells: Math.floor((pageSize - 8) / 6),
    tableMaxLocal: usableSize - 35,
    tableMinLocal: minLocal,
    indexMaxLocal: Math.floor(((usableSize - 12) * 64) / 255) - 23,
    indexMinLocal: minLocal,
  };
}

/** A decoded b-tree page header. */
export interface BtreePage {
  readonly data: Uint8Array;
  readonly pgno: number;
  /** Offset of the page header: 100 on page 1, else 0. */
  readonly hdr: number;
  readonly type: number;
  readonly leaf: boolean;
  readonly intKey: boolean;
  readonly nCell: number;
  /** Offset of the first cell pointer. */
  readonly cellStart: number;
  /** Cell content area start, 0 read as 65536. */
  readonly contentStart: number;
  readonly firstFreeblock: number;
  readonly fragmented: number;
  /** Right-most child (interior pages), else 0. */
  readonly rightChild: number;
  readonly maxLocal: number;
  readonly minLocal: number;
}

/** Reads a byte, 0 past the end (SQLite's page buffers are followed by zeroed padding). */
export function byteAt(data: Uint8Array, at: number): number {
  return at < data.length ? (data[at] as number) : 0;
}

export function u16(data: Uint8Array, at: number): number {
  return (byteAt(data, at) << 8) | byteAt(data, at + 1);
}

export function u32(data: Uint8Array, at: number): number {
  return ((byteAt(data, at) << 24) | (byteAt(data, at + 1) << 16) | (byteAt(data, at + 2) << 8) | byteAt(data, at + 3)) >>> 0;
}

/** Decodes the header of a b-tree page; returns null for a page type SQLite does not know. */
export function decodeBtreePage(data: Uint8Array, pgno: number, g: PageGeometry): BtreePage | null {
  const hdr = pgno === 1 ? 100 : 0;
  const type = byteAt(data, hdr);
  if (type !== INTERIOR_INDEX && type !== INTERIOR_TABLE && type !== LEAF_INDEX && type !== LEAF_TABLE) return null;
  const leaf = type === LEAF_INDEX || type === LEAF_TABLE;
  const intKey = type === INTERIOR_TABLE || type === LEAF_TABLE;
  const content = u16(data, hdr + 5);
  return {
    data,
    pgno,
    hdr,
    type,
    leaf,
    intKey,
    nCell: u16(data, hdr + 3),
    cellStart: hdr + (leaf ? 8 : 12),
    contentStart: content === 0 ? 65536 : content,
    firstFreeblock: u16(data, hdr + 1),
    fragmented: byteAt(data, hdr + 7),
    rightChild: leaf ? 0 : u32(data, hdr + 8),
    maxLocal: type === LEAF_TABLE ? g.tableMaxLocal : g.indexMaxLocal,
    minLocal: type === LEAF_TABLE ? g.tableMinLocal : g.indexMinLocal,
  };
}

/** A parsed cell, as SQLite's xParseCell fills its CellInfo. */
export interface Cell {
  /** Rowid (table pages) or payload size (index pages). */
  key: number | bigint;
  /** Total payload bytes (u32 as SQLite reads it). */
  payload: number;
  /** Offset in the page of the payload's first byte. */
  payloadAt: number;
  /** Payload bytes stored on the page. */
  local: number;
  /** Bytes the cell occupies on the page, including the overflow pointer. */
  size: number;
}

/** SQLite's 64-bit varint; returns the value (a bigint when it is not a safe integer) and its length. */
export function readVarint(data: Uint8Array, at: number): { value: number | bigint; length: number } {
  let value = 0;
  for (let i = 0; i < 8; i++) {
    const b = byteAt(data, at + i);
    if (i < 7) value = value * 128 + (b & 0x7f);
    else {
      let big = (BigInt(value) << 7n) | BigInt(b & 0x7f);
      if (b < 0x80) return { value: toNumberIfSafe(big), length: 8 };
      big = (big << 8n) | BigInt(byteAt(data, at + 8));
      return { value: toNumberIfSafe(BigInt.asIntN(64, big)), length: 9 };
    }
    if (b < 0x80) return { value, length: i + 1 };
  }
  /* c8 ignore next */
  throw new Error('unreachable');
}

function toNumberIfSafe(v: bigint): number | bigint {
  const n = BigInt.asIntN(64, v);
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

/** The payload-size varint as SQLite reads it: at most 9 bytes, 7 bits each, kept as a u32. */
function readPayloadSize(data: Uint8Array, at: number): { value: number; length: number } {
  let value = byteAt(data, at);
  let i = 0;
  if (value >= 0x80) {
    value &= 0x7f;
    let b: number;
    do {
      i++;
      b = byteAt(data, at + i);
      value = ((value << 7) | (b & 0x7f)) >>> 0;
    } while (b >= 0x80 && i < 8);
  }
  return { value, length: i + 1 };
}

/** Parses the cell at `pc` (SQLite's btreeParseCellPtr / ...Index / ...NoPayload). */
export function parseCell(page: BtreePage, pc: number, usableSize: number): Cell {
  const data = page.data;
  if (page.type === INTERIOR_TABLE) {
    const key = readVarint(data, pc + 4);
    return { key: key.value, payload: 0, payloadAt: pc + 4 + key.length, local: 0, size: 4 + key.length };
  }
  let at = pc + (page.leaf ? 0 : 4);
  const size = readPayloadSize(data, at);
  at += size.length;
  let key: number | bigint = size.value;
  if (page.intKey) {
    const rowid = readVarint(data, at);
    key = rowid.value;
    at += rowid.length;
  }
  const payload = size.value;
  if (payload <= page.maxLocal) {
    const total = (payload + (at - pc)) & 0xffff;
    return { key, payload, payloadAt: at, local: payload, size: total < 4 ? 4 : total };
  }
  const surplus = page.minLocal + ((payload - page.minLocal) % (usableSize - 4));
  const local = surplus <= page.maxLocal ? surplus : page.minLocal;
  return { key, payload, payloadAt: at, local, size: ((at - pc + local) & 0xffff) + 4 };
}
