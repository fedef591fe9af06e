/**
 * Makes one statement safe to follow with a new line of SQL or a dot-command: SQL that does not
 * end with `;` gets one on its own line (a lone `;` is a harmless empty statement), so the CLI
 * never glues the next line onto it.
 */
export function terminate(statement: string): string {
  const text = statement.trimEnd();
  const lastLine = text.slice(text.lastIndexOf('\n') + 1).trimStart();
  if (text === '' || lastLine.startsWith('.') || text.endsWith(';')) return text;
  return `${text}\n;`;
}

/** Joins statements (SQL or dot-commands) into one CLI script, one per line. */
export function script(statements: readonly string[]): string {
  return `${statements.map(terminate).filter((s) => s !== '').join('\n')}\n`;
}

/** Wraps lines so that whatever they print goes to /dev/null. */
export function quietly(statements: readonly string[]): string[] {
  return ['.output /dev/null', ...statements, '.output'];
}

/** Checks a SQLite page size: a power of two from 512 to 65536. */
export function checkPageSize(pageSize: number): number {
  if (!Number.isInteger(pageSize) || pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new RangeError(`pageSize must be a power of two from 512 to 65536, got ${pageSize}`);
  }
  return pageSize;
}

/** Checks a PRNG seed for `.testctrl prng_seed`: an integer from 0 to 2^31-1. */
export function checkSeed(seed: number): number {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0x7fffffff) {
    throw new RangeError(`seed must be an integer from 0 to 2147483647, got ${seed}`);
  }
  return seed;
}
