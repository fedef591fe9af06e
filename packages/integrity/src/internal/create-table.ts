/** CREATE TABLE as sqlite_schema stores it: columns, affinities, keys, constraints. */
import type { CreateHeader } from './create-statement.js';
import { is, isReserved, skipParens, splitList, type Token } from './sql-tokens.js';

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

export function columnIndexes(list: readonly Token[][], columns: readonly ColumnDef[]): number[] | null {
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
export const COLLATIONS = new Set(['BINARY', 'NOCASE', 'RTRIM']);

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
