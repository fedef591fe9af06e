/** SQL tokens as SQLite's tokenizer sees them, and the few helpers the CREATE readers share. */

export interface Token {
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

export const isReserved = (t: Token | undefined): boolean => t !== undefined && t.kind === 'id' && t.quoted !== true && RESERVED.has(t.text.toUpperCase());

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

export const is = (t: Token | undefined, word: string): boolean => t !== undefined && t.kind === 'id' && t.text.toUpperCase() === word;


/** Splits the tokens between the parenthesis at `open` and its match at top-level commas. */
export function splitList(t: readonly Token[], open: number): { parts: Token[][]; end: number } | null {
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

/** Skips a balanced `( ... )` starting at `k`; returns the index after it, or -1. */
export function skipParens(t: readonly Token[], k: number): number {
  if (t[k]?.kind !== 'op' || t[k]?.text !== '(') return -1;
  let depth = 0;
  for (let j = k; j < t.length; j++) {
    const tok = t[j] as Token;
    if (tok.kind === 'op' && tok.text === '(') depth++;
    if (tok.kind === 'op' && tok.text === ')' && --depth === 0) return j + 1;
  }
  return -1;
}
