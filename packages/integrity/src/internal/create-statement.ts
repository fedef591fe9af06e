/** The CREATE statements of sqlite_schema: kind and names, view and trigger clauses, index terms. */
import { COLLATIONS, columnIndexes, type TableDef } from './create-table.js';
import { is, skipParens, splitList, tokenize, type Token } from './sql-tokens.js';

/** What a CREATE statement creates and its names. */
export interface CreateHeader {
  readonly kind: 'table' | 'index' | 'view' | 'trigger' | 'virtual';
  readonly name: string;
  /** For an index, the table it is on; else the name. Null when the statement cannot be read. */
  readonly table: string | null;
  readonly unique: boolean;
  readonly tokens: readonly Token[];
  /** Index of the token after the name. */
  readonly rest: number;
}

/** Reads `CREATE [TEMP] [UNIQUE] kind [IF NOT EXISTS] [schema.]name ...`; null when it is not that. */
export function readCreate(sql: string): CreateHeader | null {
  const t = tokenize(sql);
  if (t === null || !is(t[0], 'CREATE')) return null;
  let i = 1;
  if (is(t[i], 'TEMP') || is(t[i], 'TEMPORARY')) i++;
  let unique = false;
  if (is(t[i], 'UNIQUE')) {
    unique = true;
    i++;
  }
  let kind: CreateHeader['kind'];
  if (is(t[i], 'VIRTUAL') && is(t[i + 1], 'TABLE')) {
    kind = 'virtual';
    i += 2;
  } else if (is(t[i], 'TABLE') || is(t[i], 'INDEX') || is(t[i], 'VIEW') || is(t[i], 'TRIGGER')) {
    kind = (t[i] as Token).text.toLowerCase() as CreateHeader['kind'];
    i++;
  } else {
    return null;
  }
  if (unique && kind !== 'index') return null;
  if (is(t[i], 'IF') && is(t[i + 1], 'NOT') && is(t[i + 2], 'EXISTS')) i += 3;
  let name = t[i];
  if (name === undefined || (name.kind !== 'id' && name.kind !== 'str')) return null;
  i++;
  if (t[i]?.text === '.' && t[i]?.kind === 'op') {
    name = t[i + 1];
    if (name === undefined || (name.kind !== 'id' && name.kind !== 'str')) return null;
    i += 2;
  }
  let table: string | null = name.text;
  if (kind === 'index') {
    table = is(t[i], 'ON') && t[i + 1]?.kind === 'id' ? (t[i + 1] as Token).text : null;
  } else if (kind === 'trigger') {
    table = null;
    for (let j = i; j < t.length; j++) {
      if (is(t[j], 'ON') && (t[j + 1]?.kind === 'id' || t[j + 1]?.kind === 'str')) {
        table = (t[j + 1] as Token).text;
        if (t[j + 2]?.text === '.' && t[j + 3] !== undefined) table = (t[j + 3] as Token).text;
        break;
      }
    }
  }
  return { kind, name: name.text, table, unique, tokens: t, rest: i };
}

const STATEMENT_STARTS = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'WITH', 'REPLACE', 'VALUES']);

/**
 * The clauses of a CREATE VIEW or CREATE TRIGGER around their bodies: a view's `AS` followed by
 * SELECT, VALUES or WITH; a trigger's timing, event, `ON table`, and a `BEGIN ... END` body whose
 * statements start with a DML keyword. The bodies themselves (expressions) are not parsed here.
 */
export function validViewOrTrigger(create: CreateHeader): boolean {
  const t = create.tokens;
  let k = create.rest;
  if (create.kind === 'view') {
    if (t[k]?.kind === 'op' && t[k]?.text === '(') k = skipParens(t, k);
    return k >= 0 && is(t[k], 'AS') && t[k + 1] !== undefined && STATEMENT_STARTS.has((t[k + 1] as Token).text.toUpperCase()) && t[k + 1]?.kind === 'id';
  }
  if (create.kind !== 'trigger') return true;
  if (is(t[k], 'BEFORE') || is(t[k], 'AFTER')) k++;
  else if (is(t[k], 'INSTEAD') && is(t[k + 1], 'OF')) k += 2;
  if (is(t[k], 'UPDATE') && is(t[k + 1], 'OF')) {
    k += 2;
    while (t[k] !== undefined && !is(t[k], 'ON')) k++;
  } else if (is(t[k], 'INSERT') || is(t[k], 'DELETE') || is(t[k], 'UPDATE')) k++;
  else return false;
  if (!is(t[k], 'ON') || t[k + 1] === undefined) return false;
  const begin = t.findIndex((tok, j) => j > k && is(tok, 'BEGIN'));
  if (begin < 0 || !is(t[t.length - 1], 'END') && !(is(t[t.length - 2], 'END') && t[t.length - 1]?.text === ';')) return false;
  // Every statement of the body starts with a DML keyword.
  let expectStart = true;
  let depth = 0;
  for (let j = begin + 1; j < t.length; j++) {
    const tok = t[j] as Token;
    if (tok.kind === 'op' && tok.text === '(') depth++;
    else if (tok.kind === 'op' && tok.text === ')') depth--;
    if (expectStart) {
      if (is(tok, 'END') && depth === 0) return true;
      if (tok.kind !== 'id' || !STATEMENT_STARTS.has(tok.text.toUpperCase())) return false;
      expectStart = false;
    } else if (depth === 0 && tok.kind === 'op' && tok.text === ';') {
      expectStart = true;
    }
  }
  return false;
}

/** Words of SQL expressions that are not column names. */
const EXPRESSION_WORDS = new Set(['ASC', 'DESC', 'COLLATE', 'AND', 'OR', 'NOT', 'IS', 'NULL', 'LIKE', 'GLOB', 'REGEXP', 'MATCH', 'IN', 'BETWEEN', 'CASE', 'WHEN', 'THEN', 'ELSE', 'END', 'CAST', 'AS', 'ESCAPE', 'TRUE', 'FALSE', 'ISNULL', 'NOTNULL', 'DISTINCT', 'CURRENT_TIME', 'CURRENT_DATE', 'CURRENT_TIMESTAMP', 'INTEGER', 'TEXT', 'REAL', 'BLOB', 'NUMERIC']);

export interface IndexDef {
  readonly table: string;
  /** Table columns of the key, or null for expressions / partial indexes (not compared here). */
  readonly columns: readonly number[] | null;
  /** A plain column name of the key that the table does not have, or null. */
  readonly missingColumn: string | null;
}

/** Reads the column list of a CREATE INDEX against its table. */
export function readIndex(create: CreateHeader, table: TableDef): IndexDef | null {
  const t = create.tokens;
  const open = create.rest + 2;
  const list = splitList(t, open);
  if (list === null || create.table === null) return null;
  const after = t.slice(list.end + 1);
  if (after.length > 0 && !is(after[0], 'WHERE')) return null;
  const partial = after.length > 0;
  const first = (p: readonly Token[]): Token | undefined => p[0];
  if (list.parts.some((p) => first(p) === undefined || (first(p)?.kind === 'op' && !['(', '-', '+', '~'].includes(first(p)?.text ?? '')))) return null;
  // A lone number is not an index term SQLite accepts; a collation must be one SQLite has.
  if (list.parts.some((p) => (p.length === 1 && first(p)?.kind === 'num') || p.some((tok, k) => is(tok, 'COLLATE') && !COLLATIONS.has((p[k + 1]?.text ?? '').toUpperCase())))) return null;
  const cols = columnIndexes(list.parts, table.columns);
  let missingColumn: string | null = null;
  for (const part of list.parts) {
    // In an expression, a bare name that is not a function, a keyword or a collation is a column.
    part.forEach((tok, k) => {
      if (tok.kind !== 'id' || part[k + 1]?.text === '(' || is(part[k - 1], 'COLLATE') || EXPRESSION_WORDS.has(tok.text.toUpperCase())) return;
      if (!table.columns.some((c) => c.name.toLowerCase() === tok.text.toLowerCase()) && !['ROWID', 'OID', '_ROWID_'].includes(tok.text.toUpperCase())) {
        missingColumn = tok.text;
      }
    });
  }
  return { table: create.table, columns: partial ? null : cols, missingColumn };
}
