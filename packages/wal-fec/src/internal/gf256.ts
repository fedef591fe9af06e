// GF(2^8) with the polynomial x^8+x^4+x^3+x^2+1 (0x11d), generator 2.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= 0x11d;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255] as number;
}

/** MUL[a * 256 + b] = a·b: a 64 KiB table, one 256-byte row per coefficient. */
const MUL = new Uint8Array(65536);
for (let a = 1; a < 256; a++) {
  for (let b = 1; b < 256; b++) MUL[a * 256 + b] = EXP[(LOG[a] as number) + (LOG[b] as number)] as number;
}

/** a·b in GF(2^8). */
export function gfMul(a: number, b: number): number {
  return MUL[a * 256 + b] as number;
}

/** 1/a in GF(2^8); a must not be 0. */
export function gfInv(a: number): number {
  return EXP[255 - (LOG[a] as number)] as number;
}

/** dst ^= c·src, byte by byte over equal lengths; four bytes per step when both are 4-aligned. */
export function gfMulAdd(dst: Uint8Array, src: Uint8Array, c: number): void {
  if (c === 0) return;
  const n = dst.length;
  if (c === 1) {
    for (let i = 0; i < n; i++) dst[i] = (dst[i] as number) ^ (src[i] as number);
    return;
  }
  const row = MUL.subarray(c * 256, c * 256 + 256);
  if ((dst.byteOffset & 3) === 0 && (src.byteOffset & 3) === 0 && (n & 3) === 0) {
    const d = new Uint32Array(dst.buffer, dst.byteOffset, n >>> 2);
    const s = new Uint32Array(src.buffer, src.byteOffset, n >>> 2);
    for (let i = 0; i < d.length; i++) {
      const w = s[i] as number;
      d[i] =
        (d[i] as number) ^
        ((row[w & 255] as number) |
          ((row[(w >>> 8) & 255] as number) << 8) |
          ((row[(w >>> 16) & 255] as number) << 16) |
          ((row[w >>> 24] as number) << 24));
    }
    return;
  }
  for (let i = 0; i < n; i++) dst[i] = (dst[i] as number) ^ (row[src[i] as number] as number);
}

/** Inverts the n×n matrix `m` (rows of length n) in place by Gauss–Jordan; false if singular. */
export function gfInvert(m: Uint8Array[], n: number): Uint8Array[] | null {
  const inv: Uint8Array[] = Array.from({ length: n }, (_, i) => {
    const row = new Uint8Array(n);
    row[i] = 1;
    return row;
  });
  for (let col = 0; col < n; col++) {
    let pivot = col;
    while (pivot < n && (m[pivot] as Uint8Array)[col] === 0) pivot++;
    if (pivot === n) return null;
    [m[col], m[pivot]] = [m[pivot] as Uint8Array, m[col] as Uint8Array];
    [inv[col], inv[pivot]] = [inv[pivot] as Uint8Array, inv[col] as Uint8Array];
    const mc = m[col] as Uint8Array;
    const ic = inv[col] as Uint8Array;
    const scale = gfInv(mc[col] as number);
    for (let j = 0; j < n; j++) {
      mc[j] = gfMul(mc[j] as number, scale);
      ic[j] = gfMul(ic[j] as number, scale);
    }
    for (let r = 0; r < n; r++) {
      const f = (m[r] as Uint8Array)[col] as number;
      if (r === col || f === 0) continue;
      gfMulAdd(m[r] as Uint8Array, mc, f);
      gfMulAdd(inv[r] as Uint8Array, ic, f);
    }
  }
  return inv;
}
