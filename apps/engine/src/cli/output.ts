import type { Writable } from 'node:stream';

/** Where a command writes: its human or JSON output goes to `stdout`, messages to `stderr`. */
export interface CliIo {
  readonly stdout: Pick<Writable, 'write'>;
  readonly stderr: Pick<Writable, 'write'>;
}

/** Writes one JSON object on a line. */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes aligned `label  value` lines. */
export function printTable(io: CliIo, rows: readonly (readonly [string, string | number])[]): void {
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) io.stdout.write(`${label.padEnd(width)}  ${value}\n`);
}
