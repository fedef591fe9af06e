/** A minimal reader of the CREATE statements stored in sqlite_schema: kinds, names, columns. */

interface Token {
  readonly kind: 'id' | 'str' | 'num' | 'op';
  /** Identifier (unquoted, original case), string content, number text, or the operator. */
  readonly text: string;
  /** The identifier was written in quotes ("x", `x`, [x]), so it may be a keyword. */
  readonly quoted?: boolean;
}

/** Keywords SQLite never takes as a bare name (column, type). */
const RESERVED = new Set(
  ('ALL AND AS BETWEEN CASE CHECK COLLATE CONSTRAINT CREATE DEFAULT DELETE DISTINCT DROP ELSE ESCAPE EXCEPT EXISTS ' +
    'FOREIGN FROM GROUP HAVING IN INDEX INSERT INTERSECT INTO IS ISNULL JOIN LIMIT NOT NOTNULL NULL ON OR ORDER ' +
    'PRIMARY REFERENCES SELECT SET TABLE THEN TO UNION UNIQUE UPDATE USING VALUES WHEN WHERE').split(' '),
);

const isReserved = (t: Token | undefined): boolean => t !== undefined && t.kind === 'id' && t.quoted !== true && RESERVED.has(t.text.toUpperCase());

/** Splits SQL into tokens; returns null for an unterminated quote or a character SQLite does not accept. */
export function tokenize(sql: string): Token[] | null {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\f' || c === '\r') {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
    } else if (c === "'" || c === '"' || c === '`' || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= n) return null;
        if (sql[j] === close) {
          if (close !== ']' && sql[j + 1] === close) {
            text += close;
            j += 2;
            continue;
          }
          break;
        }
        text += sql[j];
        j++;
      }
      out.push(c === "'" ? { kind: 'str', text } : { kind: 'id', text, quoted: true });
      i = j + 1;
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[j] as string)) j++;
      out.push({ kind: 'id', text: sql.slice(i, j) });
      i = j;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = NUMBER.exec(sql.slice(i));
      const text = m?.[0] ?? '';
      // A number running into letters ("5ame") is an unrecognized token for SQLite.
      if (text === '' || /[A-Za-z0-9_.\u0080-\uffff]/.test(sql[i + text.length] ?? '')) return null;
      out.push({ kind: 'num', text });
      i += text.length;
    } else if (OPERATOR_CHARS.includes(c) && (c !== '!' || sql[i + 1] === '=')) {
      out.push({ kind: 'op', text: c });
      i++;
    } else {
      return null; // SQLite: unrecognized token (a NUL ends the statement early: also an error)
    }
  }
  return out;
}

/** A numeric literal: hex integer, or decimal with optional fraction and exponent. */
const NUMBER = /^(0[xX][0-9a-fA-F]+|(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)/;

/** Characters SQLite's tokenizer accepts outside identifiers, literals and comments. */
const OPERATOR_CHARS = '(),;.+-*/%<>=!|&~?:@$#';

const is = (t: Token | undefined, word: string): boolean => t !== undefined && t.kind === 'id' && t.text.toUpperCase() === word;

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

/** Splits the tokens between the parenthesis at `open` and its match at top-level commas. */
function splitList(t: readonly Token[], open: number): { parts: Token[][]; end: number } | null {
  if (t[open]?.text !== '(' || t[open]?.kind !== 'op') return null;
  const parts: Token[][] = [[]];
  let depth = 0;
  for (let j = open + 1; j < t.length; j++) {
    const tok = t[j] as Token;
    if (tok.kind === 'op' && tok.text === '(') depth++;
    if (tok.kind === 'op' && tok.text === ')') {
      if (depth === 0) return { parts, end: j };
      depth--;
    }
    if (depth === 0 && tok.kind === 'op' && tok.text === ',') parts.push([]);
    else (parts[parts.length - 1] as Token[]).push(tok);
  }
  return null;
}

/** SQLite's column affinity from a declared type. */
export type Affinity = 'blob' | 'text' | 'numeric' | 'integer' | 'real';

export function affinityOf(declared: string): Affinity {
  const u = declared.toUpperCase();
  if (u.includes('INT')) return 'integer';
  if (u.includes('CHAR') || u.includes('CLOB') || u.includes('TEXT')) return 'text';
  if (u.includes('BLOB') || u === '') return 'blob';
  if (u.includes('REAL') || u.includes('FLOA') || u.includes('DOUB')) return 'real';
  return 'numeric';
}

export interface ColumnDef {
  readonly name: string;
  readonly type: string;
  readonly affinity: Affinity;
  readonly notNull: boolean;
  /** The column has a DEFAULT clause (its value for records too short to hold it is then unknown here). */
  readonly hasDefault: boolean;
  /** GENERATED ALWAYS AS / AS (...) column. */
  readonly generated: boolean;
}

export interface TableDef {
  readonly columns: readonly ColumnDef[];
  /** Column that aliases the rowid (INTEGER PRIMARY KEY), or -1. */
  readonly ipk: number;
  readonly withoutRowid: boolean;
  /** Primary-key columns (table order of the constraint), empty when none. */
  readonly primaryKey: readonly number[];
  /** Column sets of UNIQUE / non-rowid PRIMARY KEY constraints, in order (the auto-indexes). */
  readonly uniques: readonly (readonly number[])[];
  /** CHECK constraints, STRICT, generated columns: row contents this reader does not judge. */
  readonly unchecked: boolean;
  /** A COLLATE clause or a DESC primary-key column: WITHOUT ROWID key order is not compared here. */
  readonly orderUnknown: boolean;
}

const COLUMN_CONSTRAINTS = new Set(['CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS']);
const TABLE_CONSTRAINTS = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

function columnIndexes(list: readonly Token[][], columns: readonly ColumnDef[]): number[] | null {
  const out: number[] = [];
  for (const part of list) {
    const first = part[0];
    if (first === undefined || first.kind !== 'id') return null;
    const rest = part.slice(1).filter((t) => !is(t, 'ASC') && !is(t, 'DESC'));
    if (rest.length > 0 && !(is(rest[0], 'COLLATE') && rest.length === 2)) return null;
    const at = columns.findIndex((c) => c.name.toLowerCase() === first.text.toLowerCase());
    if (at < 0) return null;
    out.push(at);
  }
  return out;
}

const CONFLICT_ACTIONS = new Set(['ROLLBACK', 'ABORT', 'FAIL', 'IGNORE', 'REPLACE']);
/** SQLite's built-in collating sequences (a schema naming another needs an application's collation). */
const COLLATIONS = new Set(['BINARY', 'NOCASE', 'RTRIM']);

/** Skips a balanced `( ... )` starting at `k`; returns the index after it, or -1. */
function skipParens(t: readonly Token[], k: number): number {
  if (t[k]?.kind !== 'op' || t[k]?.text !== '(') return -1;
  let depth = 0;
  for (let j = k; j < t.length; j++) {
    const tok = t[j] as Token;
    if (tok.kind === 'op' && tok.text === '(') depth++;
    if (tok.kind === 'op' && tok.text === ')' && --depth === 0) return j + 1;
  }
  return -1;
}

/** `[ON CONFLICT action]` at `k`: the index after it, or -1 when malformed. */
function skipConflict(t: readonly Token[], k: number): number {
  if (!is(t[k], 'ON')) return k;
  return is(t[k + 1], 'CONFLICT') && t[k + 2]?.kind === 'id' && CONFLICT_ACTIONS.has((t[k + 2] as Token).text.toUpperCase()) ? k + 3 : -1;
}

/**
 * Whether `t[k..]` is a sequence of column constraints SQLite's grammar accepts (CONSTRAINT name,
 * PRIMARY KEY, NOT NULL, NULL, UNIQUE, CHECK, DEFAULT, COLLATE, REFERENCES, GENERATED / AS).
 */
function validColumnConstraints(t: readonly Token[], start: number): boolean {
  let k = start;
  while (k < t.length) {
    const w = t[k]?.kind === 'id' ? (t[k] as Token).text.toUpperCase() : '';
    if (w === 'CONSTRAINT') {
      if (t[k + 1] === undefined || (t[k + 1]?.kind !== 'id' && t[k + 1]?.kind !== 'str')) return false;
      k += 2;
    } else if (w === 'PRIMARY') {
      if (!is(t[k + 1], 'KEY')) return false;
      k += 2;
      if (is(t[k], 'ASC') || is(t[k], 'DESC')) k++;
      k = skipConflict(t, k);
      if (k < 0) return false;
      if (is(t[k], 'AUTOINCREMENT')) k++;
    } else if (w === 'NOT' || w === 'NULL' || w === 'UNIQUE') {
      if (w === 'NOT' && !is(t[k + 1], 'NULL')) return false;
      k = skipConflict(t, k + (w === 'NOT' ? 2 : 1));
      if (k < 0) return false;
    } else if (w === 'CHECK') {
      k = skipParens(t, k + 1);
      if (k < 0) return false;
    } else if (w === 'DEFAULT') {
      k++;
      if (t[k]?.kind === 'op' && (t[k]?.text === '+' || t[k]?.text === '-')) k++;
      if (t[k]?.kind === 'op' && t[k]?.text === '(') k = skipParens(t, k);
      else if (t[k] !== undefined && t[k]?.kind !== 'op') k++;
      else return false;
      if (k < 0) return false;
    } else if (w === 'COLLATE') {
      if (!COLLATIONS.has((t[k + 1]?.text ?? '').toUpperCase()) || t[k + 1]?.kind === 'num') return false;
      k += 2;
    } else if (w === 'REFERENCES') {
      if (t[k + 1]?.kind !== 'id' && t[k + 1]?.kind !== 'str') return false;
      k += 2;
      if (t[k]?.text === '(' && t[k]?.kind === 'op') k = skipParens(t, k);
      if (k < 0) return false;
      while (k < t.length && (is(t[k], 'ON') || is(t[k], 'MATCH') || is(t[k], 'DEFERRABLE') || is(t[k], 'NOT') || is(t[k], 'INITIALLY'))) {
        if (is(t[k], 'ON')) {
          if (!(is(t[k + 1], 'DELETE') || is(t[k + 1], 'UPDATE'))) return false;
          k += 2;
          if (is(t[k], 'SET') && (is(t[k + 1], 'NULL') || is(t[k + 1], 'DEFAULT'))) k += 2;
          else if (is(t[k], 'NO') && is(t[k + 1], 'ACTION')) k += 2;
          else if (is(t[k], 'CASCADE') || is(t[k], 'RESTRICT')) k++;
          else return false;
        } else if (is(t[k], 'MATCH')) k += 2;
        else if (is(t[k], 'NOT') && is(t[k + 1], 'DEFERRABLE')) k += 2;
        else if (is(t[k], 'DEFERRABLE')) k++;
        else if (is(t[k], 'INITIALLY') && (is(t[k + 1], 'DEFERRED') || is(t[k + 1], 'IMMEDIATE'))) k += 2;
        else return false;
      }
    } else if (w === 'GENERATED' || w === 'AS') {
      if (w === 'GENERATED') {
        if (!is(t[k + 1], 'ALWAYS') || !is(t[k + 2], 'AS')) return false;
        k += 2;
      }
      k = skipParens(t, k + 1);
      if (k < 0) return false;
      if (is(t[k], 'STORED') || is(t[k], 'VIRTUAL')) k++;
    } else {
      return false;
    }
  }
  return true;
}

/** Reads the column list of a CREATE TABLE; null when this reader cannot follow it. */
export function readTable(create: CreateHeader): TableDef | null {
  const t = create.tokens;
  const list = splitList(t, create.rest);
  if (list === null) return null;
  const after = t.slice(list.end + 1);
  const withoutRowid = after.some((tok, k) => is(tok, 'WITHOUT') && is(after[k + 1], 'ROWID'));
  const strict = after.some((tok) => is(tok, 'STRICT'));
  for (let k = 0; k < after.length; k++) {
    const tok = after[k] as Token;
    if (is(tok, 'WITHOUT') && is(after[k + 1], 'ROWID')) k++;
    else if (!is(tok, 'STRICT') && !(tok.kind === 'op' && tok.text === ',')) return null;
  }
  const collated = t.some((tok) => is(tok, 'COLLATE'));
  const columns: ColumnDef[] = [];
  const pending: { kind: 'pk' | 'unique'; list: Token[][]; desc: boolean }[] = [];
  let ipkColumn = -1;
  let unchecked = strict;
  for (const part of list.parts) {
    const head = part[0];
    if (head === undefined) return null;
    if (head.kind === 'id' && TABLE_CONSTRAINTS.has(head.text.toUpperCase())) {
      let k = 0;
      if (is(part[k], 'CONSTRAINT')) k += 2;
      if (is(part[k], 'PRIMARY') || is(part[k], 'UNIQUE')) {
        const open = k + (is(part[k], 'PRIMARY') ? 2 : 1);
        if (is(part[k], 'PRIMARY') && !is(part[k + 1], 'KEY')) return null;
        const inner = splitList(part, open);
        if (inner === null || skipConflict(part, inner.end + 1) !== part.length) return null;
        const desc = inner.parts.some((p) => p.some((tok) => is(tok, 'DESC')));
        pending.push({ kind: is(part[k], 'PRIMARY') ? 'pk' : 'unique', list: inner.parts, desc });
      } else if (is(part[k], 'CHECK')) {
        if (skipParens(part, k + 1) !== part.length) return null;
        unchecked = true;
      } else if (!(is(part[k], 'FOREIGN') && is(part[k + 1], 'KEY') && part[k + 2]?.text === '(')) {
        return null;
      }
      continue;
    }
    if (head.kind !== 'id' && head.kind !== 'str') return null;
    let k = 1;
    if (isReserved(head)) return null;
    const typeWords: string[] = [];
    while (k < part.length && !(part[k]?.kind === 'id' && COLUMN_CONSTRAINTS.has((part[k] as Token).text.toUpperCase()))) {
      const tok = part[k] as Token;
      if (tok.kind === 'op' && tok.text === '(') {
        const close = part.findIndex((x, m) => m > k && x.kind === 'op' && x.text === ')');
        if (close < 0) return null;
        // A type's size: ( signed-number [, signed-number] ).
        const args = splitList(part, k);
        if (args === null || args.parts.length > 2 || args.parts.some((a) => !/^[+-]?$/.test(a.slice(0, -1).map((x) => x.text).join('')) || a[a.length - 1]?.kind !== 'num')) return null;
        typeWords.push(part.slice(k, close + 1).map((x) => x.text).join(''));
        k = close + 1;
        continue;
      }
      if (isReserved(tok)) return null;
      typeWords.push(tok.text);
      k++;
    }
    const cons = part.slice(k);
    const typeOk = typeWords.length === 0 || (/^[A-Za-z_\u0080-\uffff]/.test(typeWords[0] as string) && typeWords.every((w) => /^[A-Za-z_\u0080-\uffff(]/.test(w) || /^[0-9]/.test(w)));
    if (!validColumnConstraints(cons, 0) || !typeOk) return null;
    const index = columns.length;
    const type = typeWords.join(' ');
    let notNull = false;
    let hasDefault = false;
    let generated = false;
    for (let m = 0; m < cons.length; m++) {
      const tok = cons[m] as Token;
      if (is(tok, 'NOT') && is(cons[m + 1], 'NULL')) notNull = true;
      else if (is(tok, 'DEFAULT')) hasDefault = true;
      else if (is(tok, 'GENERATED') || (is(tok, 'AS') && cons[m + 1]?.text === '(')) generated = true;
      else if (is(tok, 'CHECK')) unchecked = true;
      else if (is(tok, 'PRIMARY') && is(cons[m + 1], 'KEY')) {
        const desc = is(cons[m + 2], 'DESC');
        if (type.toUpperCase() === 'INTEGER' && !desc && !withoutRowid) ipkColumn = index;
        else {
          pending.push({ kind: 'pk', list: [[head]], desc });
          }
      } else if (is(tok, 'UNIQUE')) {
        pending.push({ kind: 'unique', list: [[head]], desc: false });
      }
    }
    if (columns.some((c) => c.name.toLowerCase() === head.text.toLowerCase())) return null; // duplicate column name
    columns.push({ name: head.text, type, affinity: affinityOf(type), notNull, hasDefault, generated });
  }
  let primaryKey: number[] = ipkColumn >= 0 ? [ipkColumn] : [];
  const uniques: number[][] = [];
  for (const p of pending) {
    const cols = columnIndexes(p.list, columns);
    if (cols === null) return null;
    if (p.kind === 'pk') {
      if (!withoutRowid && cols.length === 1 && (columns[cols[0] as number] as ColumnDef).type.toUpperCase() === 'INTEGER') {
        ipkColumn = cols[0] as number;
        primaryKey = cols;
        continue;
      }
      primaryKey = cols;
      if (withoutRowid) continue;
    }
    if (!uniques.some((u) => u.length === cols.length && u.every((c, m) => c === cols[m]))) uniques.push(cols);
  }
  if (withoutRowid && primaryKey.length === 0) return null;
  if (columns.some((c) => c.generated)) unchecked = true;
  const orderUnknown = collated || pending.some((p) => p.kind === 'pk' && p.desc);
  return { columns, ipk: withoutRowid ? -1 : ipkColumn, withoutRowid, primaryKey, uniques, unchecked, orderUnknown };
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
