import type { IssueSink } from './issues.js';
import { compareValues, decodeText, fieldValue, parseRecord, valueKey, type Field, type Value } from './record.js';
import type { SchemaTree } from './schema.js';
import type { TableDef } from './sql.js';
import type { Entry, EntryVisitor } from './structure.js';

const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
/** Messages kept per index for missing or extra entries. */
const MAX_INDEX_MESSAGES = 5;

/** Key multiset of one index: +1 per expected entry from the table, -1 per entry found in the index. */
interface IndexTally {
  readonly tree: SchemaTree;
  /** Table column of each key column (the table's storage is resolved per row). */
  readonly columns: readonly number[];
  readonly counts: Map<string, number>;
  /** Whether the comparison means something (every row and entry was readable). */
  usable: boolean;
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

  constructor(sink: IssueSink, encoding: number, trees: readonly SchemaTree[]) {
    this.#sink = sink;
    this.#encoding = encoding;
    for (const tree of trees) {
      if (tree.kind !== 'index' || tree.index === null || tree.index.columns === null || tree.table === null) continue;
      if (tree.table.withoutRowid && tree.root === trees.find((t) => t.name === tree.tableName)?.root) continue;
      const tally: IndexTally = { tree, columns: tree.index.columns, counts: new Map(), usable: true };
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
      if (!table.unchecked) this.#checkTypes(tree, table, e, value);
      if (table.withoutRowid && !table.collated) {
        const key = table.primaryKey.map((c) => value(c) ?? null);
        if (previous !== null && comparePrefix(key, previous, pkLength) >= 0) {
          this.#sink.add(5, e.pgno, 'pk-order', `${tree.tableName}: row on page ${e.pgno} is not in PRIMARY KEY order`);
        }
        previous = key;
      }
      for (const t of tallies) {
        if (!t.usable) continue;
        const key: Value[] = [];
        for (const c of t.columns) {
          const v = value(c);
          if (v === undefined) {
            t.usable = false;
            break;
          }
          key.push(v);
        }
        if (!t.usable) continue;
        if (table.withoutRowid) {
          for (const c of table.primaryKey) if (!t.columns.includes(c)) key.push(value(c) ?? null);
        } else {
          key.push(e.key);
        }
        const k = key.map(valueKey).join('\u0000');
        t.counts.set(k, (t.counts.get(k) ?? 0) + 1);
      }
    };
  }

  #checkTypes(tree: SchemaTree, table: TableDef, e: Entry, value: (column: number) => Value | undefined): void {
    table.columns.forEach((col, j) => {
      if (j === table.ipk) return;
      const v = value(j);
      if (v === undefined) return;
      const cls = v === null ? 'null' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'real') : typeof v === 'bigint' ? 'integer' : 'text' in v ? 'text' : 'blob';
      const where = `${tree.tableName}.${col.name} (row ${table.withoutRowid ? 'on' : `${e.key} on`} page ${e.pgno})`;
      if (col.notNull && cls === 'null') {
        this.#sink.add(5, e.pgno, 'record-null', `NULL value in NOT NULL column ${where}`);
      } else if (col.affinity === 'text' && (cls === 'integer' || cls === 'real')) {
        this.#sink.add(5, e.pgno, 'record-type', `${cls} value in TEXT column ${where}`);
      } else if (col.affinity !== 'text' && col.affinity !== 'blob' && cls === 'text' && v !== null && typeof v === 'object' && 'text' in v) {
        const bytes = Uint8Array.from(v.text, (ch) => ch.charCodeAt(0));
        if (NUMERIC_TEXT.test(decodeText(bytes, this.#encoding))) {
          this.#sink.add(5, e.pgno, 'record-type', `TEXT value that reads as a number in ${col.affinity.toUpperCase()} column ${where}`);
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
    const k = typeof fields === 'string' ? `\u0001malformed on page ${e.pgno}: ${fields}` : fields.map((f) => valueKey(fieldValue(payload, f))).join('\u0000');
    tally.counts.set(k, (tally.counts.get(k) ?? 0) - 1);
  }

  /** Compares each index with its table once every b-tree was walked. */
  finish(): void {
    for (const tally of this.#byIndex.values()) {
      if (!tally.usable) continue;
      let missing = 0;
      let extra = 0;
      for (const [key, n] of tally.counts) {
        if (n === 0) continue;
        const shown = key.startsWith('\u0001') ? key.slice(1) : `key (${key.split('\u0000').join(', ')})`;
        if (n > 0) {
          if (missing++ < MAX_INDEX_MESSAGES) this.#sink.add(5, tally.tree.root, 'index-missing-row', `index ${tally.tree.name} lacks ${n} entr${n === 1 ? 'y' : 'ies'} for table ${tally.tree.tableName} ${shown.slice(0, 120)}`);
        } else if (extra++ < MAX_INDEX_MESSAGES) {
          this.#sink.add(5, tally.tree.root, 'index-extra-entry', `index ${tally.tree.name} holds ${-n} entr${n === -1 ? 'y' : 'ies'} that no row of ${tally.tree.tableName} implies: ${shown.slice(0, 120)}`);
        }
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

