/**
 * The bucket layout of the fixed-memory histogram: log-linear, as in HDR histograms.
 *
 * [0, 1) is split into {@link SUB_BUCKETS} buckets of width 1/SUB_BUCKETS; every octave
 * [2^e, 2^(e+1)) for e = 0..52 is split into SUB_BUCKETS buckets of width 2^e/SUB_BUCKETS. Bucket
 * index: `floor(v * SUB_BUCKETS)` below 1, else `SUB_BUCKETS * (e + 1) + floor((v / 2^e - 1) * SUB_BUCKETS)`.
 * The midpoint of a bucket is then within 2^e / (2 * SUB_BUCKETS) of every value in it, that is within
 * `max(1, v) / (2 * SUB_BUCKETS)`.
 */

/** Buckets per octave (and in [0, 1)). */
export const SUB_BUCKETS = 32;
/** Octaves above 1: [2^0, 2^1) up to [2^52, 2^53), which holds Number.MAX_SAFE_INTEGER. */
const OCTAVES = 53;
/** Number of buckets. */
export const BUCKET_COUNT = SUB_BUCKETS * (OCTAVES + 1);

const TWO_POW_32 = 2 ** 32;
/** 2^-e for e = 0..52: multiplying by a power of two is exact. */
const INVERSE_POWERS = Float64Array.from({ length: OCTAVES }, (_, e) => 2 ** -e);

/** Index of the bucket that holds `value`, a number in [0, 2^53). */
export function bucketIndex(value: number): number {
  if (value < 1) return Math.floor(value * SUB_BUCKETS);
  // clz32 truncates to a uint32, which keeps the exponent of any value in [1, 2^32).
  const exponent = value < TWO_POW_32 ? 31 - Math.clz32(value) : 63 - Math.clz32(value / TWO_POW_32);
  const scaled = value * (INVERSE_POWERS[exponent] as number); // in [1, 2)
  return SUB_BUCKETS * (exponent + 1) + Math.floor((scaled - 1) * SUB_BUCKETS);
}

/** Midpoint of bucket `index`: the estimate reported for any value in it. */
export function bucketMidpoint(index: number): number {
  const sub = index % SUB_BUCKETS;
  if (index < SUB_BUCKETS) return (sub + 0.5) / SUB_BUCKETS;
  const exponent = (index - sub) / SUB_BUCKETS - 1;
  return 2 ** exponent * (1 + (sub + 0.5) / SUB_BUCKETS);
}
