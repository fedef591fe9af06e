import { byteAt, decodeBtreePage, pageGeometry, parseCell, readVarint, u16, u32 } from '../../src/internal/btree-page.js';

/** A byte range in the file that a corruption may target. */
export interface Target {
  readonly offset: number;
  readonly length: number;
}

/** Where the structures of a healthy database are, by kind. */
export interface Layout {
  readonly pageSize: number;
  readonly pageCount: number;
  readonly pageHeaders: Target[];
  readonly cellPointers: Target[];
  readonly cellContents: Target[];
  readonly freeblocks: Target[];
  readonly unallocated: Target[];
  readonly childPointers: Target[];
  readonly overflowLinks: Target[];
  readonly freelist: Target[];
  readonly ptrmap: Target[];
  /** The rootpage field of each sqlite_schema row whose value is stored locally. */
  readonly schemaRoots: Target[];
  /** The sql text of each sqlite_schema row, where stored locally. */
  readonly schemaSql: Target[];
  readonly rootPages: number[];
}

/** Walks a healthy database (SQLite made it) and lists its structures' byte ranges. */
export function layoutOf(bytes: Uint8Array): Layout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const raw = view.getUint16(16);
  const pageSize = raw === 1 ? 65536 : raw;
  const usable = pageSize - (bytes[20] as number);
  const g = pageGeometry(pageSize, usable);
  const pageCount = bytes.length / pageSize;
  const page = (n: number): Uint8Array => bytes.subarray((n - 1) * pageSize, n * pageSize);
  const base = (n: number): number => (n - 1) * pageSize;
  const l: Layout = {
    pageSize, pageCount, pageHeaders: [], cellPointers: [], cellContents: [], freeblocks: [], unallocated: [],
    childPointers: [], overflowLinks: [], freelist: [], ptrmap: [], schemaRoots: [], schemaSql: [], rootPages: [],
  };
  const walk = (pgno: number, isSchema: boolean): void => {
    const data = page(pgno);
    const p = decodeBtreePage(data, pgno, g);
    if (p === null) throw new Error(`healthy database has a non-b-tree page ${pgno}`);
    const at = base(pgno);
    l.pageHeaders.push({ offset: at + p.hdr, length: p.leaf ? 8 : 12 });
    if (!p.leaf) l.childPointers.push({ offset: at + p.hdr + 8, length: 4 });
    const ptrEnd = p.cellStart + 2 * p.nCell;
    if (p.contentStart > ptrEnd) l.unallocated.push({ offset: at + ptrEnd, length: p.contentStart - ptrEnd });
    for (let fb = p.firstFreeblock; fb !== 0; fb = u16(data, fb)) l.freeblocks.push({ offset: at + fb, length: 4 });
    for (let i = 0; i < p.nCell; i++) {
      const pc = u16(data, p.cellStart + 2 * i);
      l.cellPointers.push({ offset: at + p.cellStart + 2 * i, length: 2 });
      const cell = parseCell(p, pc, usable);
      l.cellContents.push({ offset: at + pc, length: cell.size });
      if (!p.leaf) {
        l.childPointers.push({ offset: at + pc, length: 4 });
        walk(u32(data, pc), isSchema);
      }
      if (cell.payload > cell.local) {
        l.overflowLinks.push({ offset: at + pc + cell.size - 4, length: 4 });
        let ov = u32(data, pc + cell.size - 4);
        let left = cell.payload - cell.local;
        while (ov !== 0 && left > 0) {
          l.overflowLinks.push({ offset: base(ov), length: 4 });
          left -= usable - 4;
          ov = u32(page(ov), 0);
        }
      }
      if (isSchema && p.leaf) {
        const payload = data.subarray(cell.payloadAt, cell.payloadAt + cell.local);
        const header = readVarint(payload, 0);
        let h = header.length;
        let body = Number(header.value);
        const types: number[] = [];
        while (h < Number(header.value)) {
          const t = readVarint(payload, h);
          types.push(Number(t.value));
          h += t.length;
        }
        const len = (t: number): number => (t >= 12 ? Math.floor((t - 12) / 2) : ([0, 1, 2, 3, 4, 6, 8, 8, 0, 0][t] ?? 0));
        for (let f = 0; f < 3; f++) body += len(types[f] ?? 0);
        const rootType = types[3] ?? 0;
        const sqlType = types[4] ?? 0;
        const sqlAt = body + len(rootType);
        if (sqlType >= 13 && sqlAt + len(sqlType) <= cell.local) {
          // litewal reads CREATE TABLE and CREATE INDEX whole, but of a view only its clauses up to
          // the SELECT keyword (SQLite parses the query too): damage inside a view's query is not targeted.
          const sql = new TextDecoder().decode(payload.subarray(sqlAt, sqlAt + len(sqlType)));
          const view = /^CREATE VIEW .*? AS SELECT /.exec(sql);
          l.schemaSql.push({ offset: at + cell.payloadAt + sqlAt, length: view === null ? len(sqlType) : view[0].length - 1 });
        }
        if (rootType >= 1 && rootType <= 4 && body + len(rootType) <= cell.local) {
          l.schemaRoots.push({ offset: at + cell.payloadAt + body, length: len(rootType) });
          let v = 0;
          for (let k = 0; k < len(rootType); k++) v = v * 256 + byteAt(payload, body + k);
          if (v > 0) l.rootPages.push(v);
        }
      }
    }
  };
  walk(1, true);
  for (const root of [...l.rootPages]) walk(root, false);
  // Freelist: trunk headers and leaf entries, plus the header fields.
  l.freelist.push({ offset: 32, length: 8 });
  let trunk = view.getUint32(32);
  for (let guard = 0; trunk !== 0 && guard < pageCount; guard++) {
    const t = page(trunk);
    const leaves = u32(t, 4);
    l.freelist.push({ offset: base(trunk), length: 8 + 4 * Math.min(leaves, 64) });
    trunk = u32(t, 0);
  }
  if (view.getUint32(52) !== 0) {
    const per = Math.floor(usable / 5) + 1;
    for (let map = 2; map <= pageCount; map += per) {
      const entries = Math.min(per - 1, pageCount - map);
      if (entries > 0) l.ptrmap.push({ offset: base(map), length: 5 * entries });
    }
  }
  return l;
}
