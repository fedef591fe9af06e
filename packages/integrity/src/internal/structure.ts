import type { IntegrityLevel } from '../issue.js';
import type { PageSource } from '../page-source.js';
import type { Geometry } from '../header.js';
import { type BtreePage, type PageGeometry, decodeBtreePage, parseCell, byteAt, u16, u32, pageGeometry } from './btree-page.js';
import type { IssueSink } from './issues.js';

/** Pointer-map entry types. */
const PTRMAP_ROOTPAGE = 1;
const PTRMAP_FREEPAGE = 2;
const PTRMAP_OVERFLOW1 = 3;
const PTRMAP_OVERFLOW2 = 4;
const PTRMAP_BTREE = 5;
const LARGEST_INT64 = (1n << 63n) - 1n;
/** SQLite's cursors hold at most 20 levels (BTCURSOR_MAX_DEPTH): a deeper tree cannot be read. */
const MAX_DEPTH = 20;
/** Pages between two progress reports. */
const PROGRESS_EVERY = 1024;
const REF_CODES = {
  page: ['page-number', 'page-reused'],
  overflow: ['overflow-page-number', 'overflow-page-reused'],
  freelist: ['freelist-page-number', 'freelist-page-reused'],
} as const;
const REF_NAMES = { page: 'b-tree', overflow: 'overflow', freelist: 'freelist' } as const;

/** One b-tree entry handed to a visitor: a table row (rowid + record) or an index record. */
export interface Entry {
  readonly pgno: number;
  /** Rowid for table b-trees; for index b-trees the payload size. */
  readonly key: number | bigint;
  /** The whole payload, or null when its overflow chain is broken (already reported). */
  readonly payload: Uint8Array | null;
}

/** Receives the entries of one b-tree in descending key order (SQLite's check order). */
export type EntryVisitor = (entry: Entry) => void;

/**
 * Levels 1..4 over the b-trees, the freelist and the pointer map, following SQLite's
 * sqlite3BtreeIntegrityCheck: every page is referenced at most once (a bitmap), so cycles and
 * shared pages end the walk, and the work is bounded by the page count.
 */
export class StructureChecker {
  readonly #source: PageSource;
  readonly #g: PageGeometry;
  readonly #geo: Geometry;
  readonly #sink: IssueSink;
  readonly #refs: Uint8Array;
  readonly #ptrmaps = new Map<number, Uint8Array>();
  readonly #onProgress: ((pagesChecked: number, pagesTotal: number) => void) | undefined;
  #marked = 0;

  constructor(source: PageSource, geo: Geometry, sink: IssueSink, onProgress?: (pagesChecked: number, pagesTotal: number) => void) {
    this.#onProgress = onProgress;
    this.#source = source;
    this.#geo = geo;
    this.#g = pageGeometry(geo.pageSize, geo.usableSize);
    this.#sink = sink;
    this.#refs = new Uint8Array((geo.pageCount >>> 3) + 1);
    if (geo.pendingBytePage !== 0) this.#setRef(geo.pendingBytePage);
  }

  /** The freelist: trunk chain, leaf counts, total (SQLite's checkList on the freelist). */
  async checkFreelist(): Promise<void> {
    const { freelistTrunk, freelistCount } = this.#geo.header;
    await this.#list(true, freelistTrunk, freelistCount);
  }

  /** Largest root page against the header (auto-vacuum databases). */
  checkLargestRoot(roots: readonly number[]): void {
    if (!this.#geo.autoVacuum) return;
    const max = roots.reduce((m, r) => (r > m ? r : m), 0);
    const inHeader = this.#geo.header.largestRootPage;
    if (max !== inHeader) {
      this.#sink.add(4, 1, 'max-root-page', `the largest root page is ${max}, the header says ${inHeader}`);
    }
  }

  /** Checks the b-tree rooted at `root`; `visit` receives its entries (level 5). */
  async checkTree(root: number, visit: EntryVisitor | null): Promise<void> {
    if (root === 0) return;
    if (this.#geo.autoVacuum && root > 1) await this.#ptrmap(root, PTRMAP_ROOTPAGE, 0);
    await this.#treePage(root, LARGEST_INT64, null, visit, 0);
  }

  #isRef(pgno: number): boolean {
    return ((this.#refs[pgno >>> 3] as number) & (1 << (pgno & 7))) !== 0;
  }

  #setRef(pgno: number): void {
    this.#refs[pgno >>> 3] = (this.#refs[pgno >>> 3] as number) | (1 << (pgno & 7));
  }

  /** Every page used exactly once; pointer-map pages never used by anything else. */
  checkAllPagesUsed(): void {
    const autoVacuum = this.#geo.autoVacuum;
    for (let i = 1; i <= this.#geo.pageCount; i++) {
      const isPtrmap = autoVacuum && this.#ptrmapPageOf(i) === i;
      const used = this.#isRef(i);
      if (!used && !isPtrmap) this.#sink.add(4, i, 'page-never-used', `page ${i} is used by no b-tree, overflow chain or the freelist`);
      if (used && isPtrmap) this.#sink.add(4, i, 'ptrmap-referenced', `page ${i} is a pointer-map page but is referenced as another page`);
    }
  }

  /** Reads a page (exactly pageSize bytes). */
  read(pgno: number): Promise<Uint8Array> {
    return this.#source.readPage(pgno, this.#g.pageSize);
  }

  /** Marks a page used; reports and returns true when it is out of range or already used. */
  #ref(pgno: number, level: IntegrityLevel, what: 'page' | 'overflow' | 'freelist', from: number): boolean {
    const codes = REF_CODES[what];
    if (pgno === 0 || pgno > this.#geo.pageCount) {
      this.#sink.add(level, from, codes[0], `${REF_NAMES[what]} page number ${pgno} (from page ${from}) is outside 1..${this.#geo.pageCount}`);
      return true;
    }
    if (this.#isRef(pgno)) {
      this.#sink.add(level, pgno, codes[1], `page ${pgno} is referenced a second time (as a ${REF_NAMES[what]} page, from page ${from})`);
      return true;
    }
    this.#setRef(pgno);
    if (++this.#marked % PROGRESS_EVERY === 0) this.#onProgress?.(this.#marked, this.#geo.pageCount);
    return false;
  }

  /** SQLite's checkList: an overflow chain or the freelist; returns the chain's pages when it is whole. */
  async #list(isFreelist: boolean, first: number, expected: number): Promise<number[] | null> {
    const level: IntegrityLevel = isFreelist ? 4 : 3;
    const totalAtStart = this.#sink.total;
    const pages: number[] = [];
    let n = expected;
    let iPage = first;
    let from = 1;
    const usable = this.#g.usableSize;
    while (iPage !== 0) {
      if (this.#ref(iPage, level, isFreelist ? 'freelist' : 'overflow', from)) break;
      n--;
      const data = await this.read(iPage);
      if (isFreelist) {
        const leaves = u32(data, 4);
        if (this.#geo.autoVacuum) await this.#ptrmap(iPage, PTRMAP_FREEPAGE, 0);
        const maxLeaves = Math.floor(usable / 4) - 2;
        if (leaves > maxLeaves) {
          this.#sink.add(4, iPage, 'freelist-leaf-count', `freelist trunk page ${iPage} claims ${leaves} leaves, at most ${maxLeaves} fit`);
          n--;
        } else {
          for (let k = 0; k < leaves; k++) {
            const leaf = u32(data, 8 + 4 * k);
            if (this.#geo.autoVacuum) await this.#ptrmap(leaf, PTRMAP_FREEPAGE, 0);
            this.#ref(leaf, 4, 'freelist', iPage);
          }
          n -= leaves;
        }
      } else {
        if (this.#geo.autoVacuum && n > 0) await this.#ptrmap(u32(data, 0), PTRMAP_OVERFLOW2, iPage);
        pages.push(iPage);
      }
      from = iPage;
      iPage = u32(data, 0);
    }
    if (n !== 0 && totalAtStart === this.#sink.total) {
      this.#sink.add(level, first, isFreelist ? 'freelist-size' : 'overflow-length',
        isFreelist
          ? `the freelist holds ${expected - n} pages, the header says ${expected}`
          : `the overflow chain from page ${first} has ${expected - n} pages, the payload needs ${expected}`);
    }
    return totalAtStart === this.#sink.total ? pages : null;
  }

  #ptrmapPageOf(pgno: number): number {
    if (pgno < 2) return 0;
    const perPage = Math.floor(this.#g.usableSize / 5) + 1;
    let p = Math.floor((pgno - 2) / perPage) * perPage + 2;
    if (p === this.#geo.pendingBytePage) p++;
    return p;
  }

  /** SQLite's checkPtrmap: the pointer-map entry of `child` must be (`type`, `parent`). */
  async #ptrmap(child: number, type: number, parent: number): Promise<void> {
    const map = this.#ptrmapPageOf(child);
    const offset = 5 * (child - map - 1);
    let got: [number, number] | null = null;
    if (map !== 0 && offset >= 0) {
      let data = this.#ptrmaps.get(map);
      if (data === undefined) {
        data = await this.read(map);
        this.#ptrmaps.set(map, data);
      }
      const t = byteAt(data, offset);
      if (t >= 1 && t <= 5) got = [t, u32(data, offset + 1)];
    }
    if (got === null) {
      this.#sink.add(4, map, 'ptrmap-unreadable', `no valid pointer-map entry for page ${child} (pointer-map page ${map})`);
    } else if (got[0] !== type || got[1] !== parent) {
      this.#sink.add(4, map, 'ptrmap-entry', `pointer-map entry of page ${child} is (type ${got[0]}, parent ${got[1]}), expected (type ${type}, parent ${parent})`);
    }
  }

  /** SQLite's btreeComputeFreeSpace: the freeblock chain and the free-byte total; an error message or null. */
  #freeSpaceProblem(page: BtreePage): string | null {
    const usable = this.#g.usableSize;
    const data = page.data;
    const top = page.contentStart;
    const iCellFirst = page.cellStart + 2 * page.nCell;
    const iCellLast = usable - 4;
    let pc = page.firstFreeblock;
    let nFree = page.fragmented + top;
    if (pc > 0) {
      if (pc < top) return `first freeblock at ${pc} is before the cell content area at ${top}`;
      let next: number;
      let size: number;
      for (;;) {
        if (pc > iCellLast) return `freeblock at ${pc} is past the last possible offset ${iCellLast}`;
        next = u16(data, pc);
        size = u16(data, pc + 2);
        nFree += size;
        if (next <= pc + size + 3) break;
        pc = next;
      }
      if (next > 0) return `freeblock at ${pc} (size ${size}) is followed by ${next}: not ascending with a gap of at least 4 bytes`;
      if (pc + size > usable) return `last freeblock at ${pc} (size ${size}) ends past the usable size ${usable}`;
    }
    if (nFree > usable || nFree < iCellFirst) {
      return `free space accounting gives ${nFree} (content start ${top} + fragments + freeblocks), outside ${iCellFirst}..${usable}`;
    }
    return null;
  }

  /** SQLite's checkTreePage; returns the subtree depth and the smallest key seen. */
  async #treePage(pgno: number, maxKeyIn: number | bigint, parent: BtreePage | null, visit: EntryVisitor | null, level: number): Promise<[number, number | bigint]> {
    let maxKey = maxKeyIn;
    if (pgno === 0) return [0, maxKey];
    if (this.#ref(pgno, 4, 'page', parent?.pgno ?? 0)) return [0, maxKey];
    if (level >= MAX_DEPTH) {
      this.#sink.add(2, pgno, 'btree-depth', `page ${pgno} is at level ${level + 1} of its b-tree, SQLite reads at most ${MAX_DEPTH} levels`);
      return [0, maxKey];
    }
    const data = await this.read(pgno);
    const page = decodeBtreePage(data, pgno, this.#g);
    const hdr = pgno === 1 ? 100 : 0;
    if (page === null) {
      this.#sink.add(1, pgno, 'page-type', `page ${pgno} has page type ${byteAt(data, hdr)}, not a b-tree page (2, 5, 10 or 13)`);
      return [0, maxKey];
    }
    if (page.nCell > this.#g.maxCells) {
      this.#sink.add(1, pgno, 'page-cell-count', `page ${pgno} claims ${page.nCell} cells, at most ${this.#g.maxCells} fit`);
      return [0, maxKey];
    }
    if (!page.leaf && page.nCell === 0 && pgno !== 1) {
      // checkTreePage accepts it, but a cursor cannot descend through it: SQLite's scan calls it corrupt.
      this.#sink.add(2, pgno, 'btree-no-cells', `interior page ${pgno} has no cells (only page 1 may)`);
    }
    if (parent !== null && parent.intKey !== page.intKey) {
      this.#sink.add(2, pgno, 'btree-page-kind', `page ${pgno} is a ${page.intKey ? 'table' : 'index'} page under ${parent.intKey ? 'table' : 'index'} page ${parent.pgno}`);
    }
    const problem = this.#freeSpaceProblem(page);
    if (problem !== null) {
      this.#sink.add(2, pgno, 'btree-free-space', `page ${pgno}: ${problem}`);
      return [0, maxKey];
    }
    const usable = this.#g.usableSize;
    const autoVacuum = this.#geo.autoVacuum;
    let depth = -1;
    let keyCanBeEqual = true;
    let coverage = true;
    const spans: number[] = [];
    if (!page.leaf) {
      const right = page.rightChild;
      if (autoVacuum) await this.#ptrmap(right, PTRMAP_BTREE, pgno);
      [depth, maxKey] = await this.#treePage(right, maxKey, page, visit, level + 1);
      keyCanBeEqual = false;
    }
    for (let i = page.nCell - 1; i >= 0; i--) {
      const pc = u16(data, page.cellStart + 2 * i);
      if (pc < page.contentStart || pc > usable - 4) {
        this.#sink.add(2, pgno, 'btree-cell-offset', `page ${pgno} cell ${i}: offset ${pc} is outside ${page.contentStart}..${usable - 4}`);
        coverage = false;
        continue;
      }
      const cell = parseCell(page, pc, usable);
      if (pc + cell.size > usable) {
        this.#sink.add(2, pgno, 'btree-cell-size', `page ${pgno} cell ${i}: ${cell.size} bytes at offset ${pc} end past the usable size ${usable}`);
        coverage = false;
        continue;
      }
      if (page.intKey) {
        if (keyCanBeEqual ? cell.key > maxKey : cell.key >= maxKey) {
          this.#sink.add(2, pgno, 'btree-rowid-order', `page ${pgno} cell ${i}: rowid ${cell.key} is out of order (must be ${keyCanBeEqual ? 'at most' : 'below'} ${maxKey})`);
        }
        maxKey = cell.key;
        keyCanBeEqual = false;
      }
      let overflow: number[] | null = [];
      if (cell.payload > cell.local) {
        const nPage = Math.floor((cell.payload - cell.local + usable - 5) / (usable - 4));
        const first = u32(data, pc + cell.size - 4);
        if (autoVacuum) await this.#ptrmap(first, PTRMAP_OVERFLOW1, pgno);
        overflow = await this.#list(false, first, nPage);
      }
      if (visit !== null && (page.leaf || !page.intKey)) {
        const payload =
          overflow === null ? null
          : overflow.length === 0 ? data.subarray(cell.payloadAt, cell.payloadAt + cell.local)
          : await this.#payload(data, cell.payloadAt, cell.local, cell.payload, overflow);
        visit({ pgno, key: cell.key, payload });
      }
      if (!page.leaf) {
        const child = u32(data, pc);
        if (autoVacuum) await this.#ptrmap(child, PTRMAP_BTREE, pgno);
        const [d2, min] = await this.#treePage(child, maxKey, page, visit, level + 1);
        maxKey = min;
        keyCanBeEqual = false;
        if (d2 !== depth) this.#sink.add(2, pgno, 'btree-depth', `page ${pgno}: child page ${child} has depth ${d2}, its siblings ${depth}`);
        depth = d2;
      } else {
        spans.push(pc * 65536 + pc + cell.size - 1);
      }
    }
    const minKey = maxKey;
    if (coverage) this.#coverage(page, spans);
    return [depth + 1, minKey];
  }

  /** Every byte of the cell content area used once; fragmented bytes as the header says. */
  #coverage(page: BtreePage, spans: number[]): void {
    const usable = this.#g.usableSize;
    const data = page.data;
    if (!page.leaf) {
      for (let i = page.nCell - 1; i >= 0; i--) {
        const pc = u16(data, page.cellStart + 2 * i);
        spans.push(pc * 65536 + pc + parseCell(page, pc, usable).size - 1);
      }
    }
    let fb = page.firstFreeblock;
    for (let guard = 0; fb > 0 && guard < usable; guard++) {
      const size = u16(data, fb + 2);
      spans.push(fb * 65536 + fb + size - 1);
      fb = u16(data, fb);
    }
    spans.sort((a, b) => a - b);
    let frag = 0;
    let prevEnd = page.contentStart - 1;
    for (const x of spans) {
      const start = Math.floor(x / 65536);
      if ((prevEnd & 0xffff) >= start) {
        this.#sink.add(2, page.pgno, 'btree-byte-reuse', `page ${page.pgno}: byte ${start} is used by two cells or freeblocks`);
        return;
      }
      frag += start - (prevEnd & 0xffff) - 1;
      prevEnd = x % 65536;
    }
    frag += usable - (prevEnd & 0xffff) - 1;
    if (frag !== page.fragmented) {
      this.#sink.add(2, page.pgno, 'btree-fragmentation', `page ${page.pgno}: ${frag} fragmented bytes, the header says ${page.fragmented}`);
    }
  }

  /** Assembles a payload from the page and its (whole) overflow chain. */
  async #payload(data: Uint8Array, at: number, local: number, total: number, overflow: readonly number[]): Promise<Uint8Array> {
    const out = new Uint8Array(total);
    out.set(data.subarray(at, at + local));
    let done = local;
    const per = this.#g.usableSize - 4;
    for (const pgno of overflow) {
      if (done >= total) break;
      const page = await this.read(pgno);
      const n = Math.min(per, total - done);
      out.set(page.subarray(4, 4 + n), done);
      done += n;
    }
    return out;
  }
}
