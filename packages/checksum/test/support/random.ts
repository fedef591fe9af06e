import { mulberry32 } from '@litewal/sqlite-fixtures';

/** A small deterministic PRNG (mulberry32) so that every failure can be replayed. */
export interface Random {
  u32(): number;
  int(below: number): number;
  bytes(n: number): Uint8Array<ArrayBuffer>;
}

export function random(seed: number): Random {
  const u32 = mulberry32(seed);
  return {
    u32,
    int: (below) => u32() % below,
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = u32() & 0xff;
      return out;
    },
  };
}
