import { randomFillSync } from 'node:crypto';

const scratch = new Uint32Array(1);

/** A cryptographically random u32, as SQLite draws its salts. */
export function randomU32(): number {
  randomFillSync(scratch);
  return scratch[0] as number;
}
