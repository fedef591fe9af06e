import type { IssueSink } from './issues.js';
import { decodeText, fieldValue, parseRecord, type Value } from './record.js';
import { readCreate, readIndex, validViewOrTrigger, type IndexDef } from './create-statement.js';
import { readTable, type TableDef } from './create-table.js';
import type { Entry } from './structure.js';

/** One row of sqlite_schema. */
export interface SchemaRow {
  readonly rowid: number | bigint;
  readonly type: string | null;
  readonly name: string | null;
  readonly tblName: string | null;
  readonly rootpage: Value;
  readonly sql: string | null;
}

/** A b-tree the schema names, with what level 5 needs to check its contents. */
export interface SchemaTree {
  readonly name: string;
  readonly root: number;
  readonly kind: 'table' | 'index';
  /** The table definition (tables, and the table of an index). */
  readonly table: TableDef | null;
  readonly tableName: string;
  /** Index definition (indexes only; null for expression or partial indexes or unreadable ones). */
  readonly index: IndexDef | null;
}

/** The schema as SQLite loads it. */
export interface Schema {
  /** Root pages in schema order, sqlite_schema's page 1 first (SQLite's aRoot). */
  readonly trees: readonly SchemaTree[];
}

/** sqlite_schema itself, as a table: `type text, name text, tbl_name text, rootpage int, sql text`. */
export const SCHEMA_TABLE: TableDef = (() => {
  const create = readCreate('CREATE TABLE sqlite_schema(type text, name text, tbl_name text, rootpage int, sql text)');
  const def = create === null ? null : readTable(create);
  if (def === null) throw new Error('unreachable');
  return def;
})();

function text(v: Value, encoding: number): string | null {
  if (v === null) return null;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return decodeText(v.bytes, encoding);
}

/** Decodes the sqlite_schema rows collected from page 1's b-tree; malformed ones are reported. */
export function decodeSchemaRows(entries: readonly Entry[], encoding: number, sink: IssueSink): SchemaRow[] {
  const rows: SchemaRow[] = [];
  for (const e of entries) {
    if (e.payload === null) continue;
    const fields = parseRecord(e.payload, 4);
    if (typeof fields === 'string') {
      sink.add(5, e.pgno, 'schema-record', `sqlite_schema row ${e.key}: ${fields}`);
      continue;
    }
    const payload = e.payload;
    const value = (i: number): Value => {
      const f = fields[i];
      return f === undefined ? null : fieldValue(payload, f);
    };
    rows.push({
      rowid: e.key,
      type: text(value(0), encoding),
      name: text(value(1), encoding),
      tblName: text(value(2), encoding),
      rootpage: value(3),
      sql: text(value(4), encoding),
    });
  }
  return rows.sort((a, b) => (a.rowid < b.rowid ? -1 : a.rowid > b.rowid ? 1 : 0));
}

const same = (a: string | null, b: string | null): boolean => a !== null && b !== null && a.toLowerCase() === b.toLowerCase();

/** SQLite's GetUInt32 on the rootpage column's text. */
function rootNumber(v: Value): number | null {
  const s = typeof v === 'number' || typeof v === 'bigint' ? String(v) : v !== null && 'text' in v ? decodeText(v.bytes, 1) : null;
  if (s === null || !/^[0-9]+$/.test(s)) return null;
  const n = Number(s);
  return n <= 0xffffffff ? n : null;
}

/**
 * Level 5 checks of sqlite_schema as SQLite applies them when it loads the schema (type, name and
 * tbl_name agree with the SQL, root pages in range, indexes on known tables and columns, views and
 * triggers without a root page); returns the b-trees to check.
 */
export function loadSchema(rows: readonly SchemaRow[], pageCount: number, sink: IssueSink): Schema {
  const trees: SchemaTree[] = [{ name: 'sqlite_schema', root: 1, kind: 'table', table: SCHEMA_TABLE, tableName: 'sqlite_schema', index: null }];
  const tables = new Map<string, TableDef | null>();
  for (const row of rows) {
    const where = `sqlite_schema row ${row.rowid} (${row.type ?? 'NULL'} ${JSON.stringify(row.name)})`;
    if (row.rootpage === null) {
      sink.add(5, 1, 'schema-rootpage', `${where}: rootpage is NULL`);
      continue;
    }
    const root = rootNumber(row.rootpage);
    const sql = row.sql;
    if (sql !== null && sql.length >= 2 && sql.slice(0, 2).toLowerCase() === 'cr') {
      if (root === null || (root > pageCount && pageCount > 0)) {
        sink.add(5, 1, 'schema-rootpage', `${where}: rootpage ${String(row.rootpage)} is not a page number in 0..${pageCount}`);
      }
      const create = readCreate(sql);
      if (create === null) {
        sink.add(5, 1, 'schema-sql', `${where}: SQL is not a CREATE TABLE, INDEX, VIEW or TRIGGER statement: ${JSON.stringify(sql.slice(0, 80))}`);
        continue;
      }
      const kind = create.kind === 'virtual' ? 'table' : create.kind;
      const tblName = create.kind === 'index' || create.kind === 'trigger' ? create.table : create.name;
      if (!same(row.type, kind) || !same(row.name, create.name) || !same(row.tblName, tblName)) {
        sink.add(5, 1, 'schema-name', `${where}: type/name/tbl_name ${row.type}/${row.name}/${row.tblName} disagree with the SQL (${kind}/${create.name}/${tblName})`);
        continue;
      }
      if (!validViewOrTrigger(create)) {
        sink.add(5, 1, 'schema-sql', `${where}: SQLite cannot parse ${JSON.stringify(sql.slice(0, 80))}`);
        continue;
      }
      if (create.kind === 'view' && root !== 0) {
        sink.add(5, 1, 'schema-rootpage', `${where}: a view has rootpage ${root}, expected 0`);
      } else if (create.kind === 'trigger' && root !== 0) {
        sink.add(5, 1, 'schema-rootpage', `${where}: a trigger has rootpage ${root}, expected 0 (SQLite ignores it)`, 'warning');
      } else if (create.kind === 'table') {
        const def = readTable(create);
        if (def === null) sink.add(5, 1, 'schema-sql', `${where}: cannot read the column list of ${JSON.stringify(sql.slice(0, 80))}`);
        tables.set(create.name.toLowerCase(), def);
        if (root !== null && root !== 0) trees.push({ name: create.name, root, kind: def?.withoutRowid ? 'index' : 'table', table: def, tableName: create.name, index: null });
      } else if (create.kind === 'index') {
        const tableName = create.table ?? '';
        if (!tables.has(tableName.toLowerCase())) {
          sink.add(5, 1, 'schema-sql', `${where}: no such table ${JSON.stringify(tableName)} (defined before this row)`);
          continue;
        }
        const table = tables.get(tableName.toLowerCase()) ?? null;
        const index = table === null ? null : readIndex(create, table);
        if (table !== null && index === null) {
          sink.add(5, 1, 'schema-sql', `${where}: cannot read the column list of ${JSON.stringify(sql.slice(0, 80))}`);
          continue;
        }
        if (index?.missingColumn != null) {
          sink.add(5, 1, 'schema-sql', `${where}: no such column ${JSON.stringify(index.missingColumn)} in table ${JSON.stringify(tableName)}`);
          continue;
        }
        if (root !== null) trees.push({ name: create.name, root, kind: 'index', table, tableName, index });
      }
      continue;
    }
    if (row.name === null || (sql !== null && sql.length > 0)) {
      sink.add(5, 1, 'schema-sql', `${where}: SQL ${JSON.stringify((sql ?? '').slice(0, 80))} is not a CREATE statement`);
      continue;
    }
    // An automatic index (UNIQUE or PRIMARY KEY constraint): its table must define it.
    const match = /^sqlite_autoindex_(.+)_([0-9]+)$/.exec(row.name);
    const table = match === null ? undefined : tables.get((match[1] as string).toLowerCase());
    const n = match === null ? 0 : Number(match[2]);
    if (table === undefined || (table !== null && (n < 1 || n > table.uniques.length))) {
      sink.add(5, 1, 'schema-sql', `${where}: orphan index (no table constraint defines it)`);
      continue;
    }
    if (root === null || root < 2 || root > pageCount) {
      sink.add(5, 1, 'schema-rootpage', `${where}: rootpage ${String(row.rootpage)} is not a page number in 2..${pageCount}`);
      continue;
    }
    const tableName = (match as RegExpExecArray)[1] as string;
    const columns = table === null ? null : (table.uniques[n - 1] as readonly number[]);
    trees.push({ name: row.name, root, kind: 'index', table, tableName, index: { table: tableName, columns, missingColumn: null } });
  }
  for (const [name, def] of tables) {
    const declared = def?.uniques.length ?? 0;
    const found = trees.filter((t) => t.tableName.toLowerCase() === name && t.name.toLowerCase().startsWith('sqlite_autoindex_')).length;
    if (found < declared) {
      sink.add(5, 1, 'schema-sql', `table ${JSON.stringify(name)} declares ${declared} automatic ind${declared === 1 ? 'ex' : 'ices'} (UNIQUE / PRIMARY KEY), sqlite_schema holds ${found}`);
    }
  }
  return { trees };
}
