import type { IssueSink } from './issues.js';
import { KeyHash } from './key-hash.js';
import { compareValues, decodeText, fieldValue, parseRecord, type Field, type Value } from './record.js';
import type { SchemaTree } from './schema.js';
import type { TableDef } from './create-table.js';
import type { Entry, EntryVisitor } from './structure.js';

const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * Key multisets of one index, as fingerprints: the count and two sums (mod 2^32) of 64-bit key
 * hashes, once for the entries the table's rows imply and once for the entries found. Equal
 * multisets give equal fingerprints; different ones collide with odds of about 2^-64.
 */
interface IndexTally {
  readonly tree: SchemaTree;
  /** Table column of each key column (the table's storage is resolved per row). */
  readonly columns: readonly number[];
  /** [count, sum of hash lane 1, sum of lane 2] for the table's rows, then for the index's entries. */
  readonly rows: [number, number, number];
  readonly entries: [number, number, number];
  /** Index entries whose record does not parse. */
  malformed: number;
  /** Whether the comparison means something (every row was readable). */
  usable: boolean;
}

/** Adds one record field to a key hash. */
function hashField(hash: KeyHash, payload: Uint8Array, f: Field): void {
  if (f.type >= 12) {
    hash.addBytes(payload, f);
    return;
  }
  const v = fieldValue(payload, f);
  if (v === null) hash.addNull();
  else hash.addNumber(v as number | bigint);
}

/**
 * Level 5 checks of table rows and index entries, as PRAGMA integrity_check runs them: record
 * headers parse (up to the last column), NOT NULL and column-type rules of non-STRICT tables,
 * WITHOUT ROWID key order, and every index holding exactly the entries its table implies.
 */
export class ContentChecker {
  readonly #sink: IssueSink;
  readonly #encoding: number;
  readonly #tallies = new Map<string, IndexTally[]>();
  readonly #byIndex = new Map<SchemaTree, IndexTally>();
  readonly #hash = new KeyHash();

  constructor(sink: IssueSink, encoding: number, trees: readonly SchemaTree[]) {
    this.#sink = sink;
    this.#encoding = encoding;
    for (const tree of trees) {
      if (tree.table?.unchecked === true && (tree.kind === 'table' || tree.name === tree.tableName)) {
        sink.add(5, tree.root, 'record-not-checked', `the rows of ${tree.name} are not checked against their column types (CHECK constraints, STRICT or generated columns are not evaluated here)`, 'warning');
      }
      if (tree.kind === 'index' && tree.name !== tree.tableName && tree.table !== null && tree.index?.columns == null) {
        sink.add(5, tree.root, 'index-not-compared', `index ${tree.name} is not compared with table ${tree.tableName} (expression and partial indexes are not evaluated here)`, 'warning');
      }
      if (tree.kind !== 'index' || tree.index === null || tree.index.columns === null || tree.table === null) continue;
      if (tree.table.withoutRowid && tree.root === trees.find((t) => t.name === tree.tableName)?.root) continue;
      const tally: IndexTally = { tree, columns: tree.index.columns, rows: [0, 0, 0], entries: [0, 0, 0], malformed: 0, usable: true };
      const key = tree.tableName.toLowerCase();
      this.#tallies.set(key, [...(this.#tallies.get(key) ?? []), tally]);
      this.#byIndex.set(tree, tally);
    }
  }

  /** A visitor for the b-tree of `tree`, or null when it holds nothing this checker judges. */
  visitor(tree: SchemaTree): EntryVisitor | null {
    const table = tree.table;
    if (table === null) return null;
    const isTable = tree.kind === 'table' || (table.withoutRowid && tree.name === tree.tableName);
    if (isTable) return this.#tableVisitor(tree, table);
    const tally = this.#byIndex.get(tree);
    return tally === undefined ? null : (e) => this.#indexEntry(tally, e);
  }

  #tableVisitor(tree: SchemaTree, table: TableDef): EntryVisitor {
    const tallies = this.#tallies.get(tree.tableName.toLowerCase()) ?? [];
    const storage = storageOrder(table);
    const position = new Array<number>(table.columns.length);
    storage.forEach((column, at) => (position[column] = at));
    let mxCol = table.columns.length - 1;
    if (!table.withoutRowid && mxCol === table.ipk) mxCol--;
    const pkLength = table.primaryKey.length;
    const typed = table.columns.some((c, j) => j !== table.ipk && (c.notNull || c.affinity !== 'blob'));
    let previous: Value[] | null = null;
    return (e: Entry) => {
      if (e.payload === null) {
        for (const t of tallies) t.usable = false;
        previous = null;
        return;
      }
      const payload = e.payload;
      const fields = mxCol >= 0 ? parseRecord(payload, mxCol) : [];
      if (typeof fields === 'string') {
        this.#sink.add(5, e.pgno, 'record-malformed', `${tree.tableName} row ${table.withoutRowid ? '' : `${e.key} `}on page ${e.pgno}: ${fields}`);
        for (const t of tallies) t.usable = false;
        previous = null;
        return;
      }
      const value = (column: number): Value | undefined => {
        if (column === table.ipk) return e.key;
        const f: Field | undefined = fields[position[column] as number];
        if (f !== undefined) return fieldValue(payload, f);
        return (table.columns[column]?.hasDefault ?? false) ? undefined : null;
      };
      const hash = this.#hash;
      /** Adds a column's value to the key hash; false when it is unknown (a DEFAULT this reader does not evaluate). */
      const hashColumn = (column: number): boolean => {
        if (column === table.ipk) {
          hash.addNumber(e.key);
          return true;
        }
        const f: Field | undefined = fields[position[column] as number];
        if (f !== undefined) hashField(hash, payload, f);
        else if (table.columns[column]?.hasDefault ?? false) return false;
        else hash.addNull();
        return true;
      };
      /** The field of a column: null for a NULL it does not store, undefined for an unknown DEFAULT. */
      const field = (column: number): Field | null | undefined => fields[position[column] as number] ?? ((table.columns[column]?.hasDefault ?? false) ? undefined : null);
      if (typed && !table.unchecked) this.#checkTypes(tree, table, e, payload, field);
      if (table.withoutRowid && !table.orderUnknown) {
        const key = table.primaryKey.map((c) => value(c) ?? null);
        if (previous !== null && comparePrefix(key, previous, pkLength) >= 0) {
          this.#sink.add(5, e.pgno, 'pk-order', `${tree.tableName}: row on page ${e.pgno} is not in PRIMARY KEY order`);
        }
        previous = key;
      }
      for (const t of tallies) {
        if (!t.usable) continue;
        hash.reset();
        if (!t.columns.every(hashColumn)) {
          t.usable = false;
          this.#sink.add(5, t.tree.root, 'index-not-compared', `index ${t.tree.name} is not compared with table ${t.tree.tableName}: a row lacks a column with a DEFAULT value (not evaluated here)`, 'warning');
          continue;
        }
        if (table.withoutRowid) {
          for (const c of table.primaryKey) if (!t.columns.includes(c)) hashColumn(c);
        } else {
          hash.addNumber(e.key);
        }
        hash.addTo(t.rows);
      }
    };
  }

  #checkTypes(tree: SchemaTree, table: TableDef, e: Entry, payload: Uint8Array, field: (column: number) => Field | null | undefined): void {
    table.columns.forEach((col, j) => {
      if (j === table.ipk || (!col.notNull && col.affinity === 'blob')) return;
      const f = field(j);
      if (f === undefined) return;
      const t = f === null ? 0 : f.type;
      const where = (): string => `${tree.tableName}.${col.name} (row ${table.withoutRowid ? 'on' : `${e.key} on`} page ${e.pgno})`;
      if (col.notNull && (t === 0 || t === 10 || t === 11)) {
        this.#sink.add(5, e.pgno, 'record-null', `NULL value in NOT NULL column ${where()}`);
      } else if (col.affinity === 'text' && t >= 1 && t <= 9) {
        this.#sink.add(5, e.pgno, 'record-type', `${t === 7 ? 'real' : 'integer'} value in TEXT column ${where()}`);
      } else if (col.affinity !== 'text' && col.affinity !== 'blob' && f !== null && t >= 13 && t % 2 === 1) {
        if (NUMERIC_TEXT.test(decodeText(payload.subarray(f.at, f.at + f.length), this.#encoding))) {
          this.#sink.add(5, e.pgno, 'record-type', `TEXT value that reads as a number in ${col.affinity.toUpperCase()} column ${where()}`);
        }
      }
    });
  }

  #indexEntry(tally: IndexTally, e: Entry): void {
    if (e.payload === null) {
      tally.usable = false;
      return;
    }
    const payload = e.payload;
    const fields = parseRecord(payload, Number.MAX_SAFE_INTEGER);
    if (typeof fields === 'string') {
      tally.malformed++;
      return;
    }
    const hash = this.#hash;
    hash.reset();
    for (const f of fields) hashField(hash, payload, f);
    hash.addTo(tally.entries);
  }

  /** Compares each index with its table once every b-tree was walked. */
  finish(): void {
    for (const tally of this.#byIndex.values()) {
      if (!tally.usable) continue;
      const [rows, r1, r2] = tally.rows;
      const [entries, e1, e2] = tally.entries;
      const { name, root, tableName } = tally.tree;
      const found = entries + tally.malformed;
      const bad = tally.malformed > 0 ? `, ${tally.malformed} of them with a malformed record` : '';
      if (found !== rows || tally.malformed > 0) {
        this.#sink.add(5, root, 'index-entry-count', `index ${name} holds ${found} entries${bad}, table ${tableName} has ${rows} rows`);
      } else if (r1 !== e1 || r2 !== e2) {
        this.#sink.add(5, root, 'index-content', `the entries of index ${name} differ from what the ${rows} rows of table ${tableName} imply (key fingerprints differ)`);
      }
    }
  }
}

/** Table columns in record order: all of them, or for WITHOUT ROWID the primary key first. */
function storageOrder(table: TableDef): number[] {
  const all = table.columns.map((_, i) => i);
  if (!table.withoutRowid) return all;
  return [...table.primaryKey, ...all.filter((c) => !table.primaryKey.includes(c))];
}

function comparePrefix(a: readonly Value[], b: readonly Value[], n: number): number {
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] ?? null, b[i] ?? null);
    if (c !== 0) return c;
  }
  return 0;
}

