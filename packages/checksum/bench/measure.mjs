// One measurement process for bench/run-vs-c.mjs (one implementation, one case, so the JIT state
// of one never colours another): node bench/measure.mjs <wasm|ts> <page|big> <le|be> <rounds>
// Prints one JSON line in the format of bench/c/wal-cksum.c. Needs a build (dist/).
import { setChecksumKernel, walChecksum } from '../dist/index.js';

const PAGE_BYTES = 4096;
const PAGES = 256;
const BIG_BYTES = 64 << 20;
const REPS = 7;

const [impl, which, order, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg);
setChecksumKernel(impl);
const byteOrder = order === 'le' ? 'little' : 'big';

// The shared data pattern: u32 words, little-endian, word i = the (i+1)-th xorshift32 output.
const buffer = new Uint8Array(BIG_BYTES);
const view = new DataView(buffer.buffer);
let x = 0x2545f491;
for (let i = 0; i < BIG_BYTES; i += 4) {
  x ^= x << 13;
  x ^= x >>> 17;
  x ^= x << 5;
  view.setUint32(i, x >>> 0, true);
}
const pages = Array.from({ length: PAGES }, (_, p) => buffer.subarray(p * PAGE_BYTES, (p + 1) * PAGE_BYTES));
const big = which === 'big';
const first = walChecksum(big ? buffer : pages[0], byteOrder);

let seed = { s1: 0, s2: 0 };
function run() {
  const t0 = process.hrtime.bigint();
  let ops = 0;
  if (big) {
    for (let i = 0; i < rounds; i++, ops++) seed = walChecksum(buffer, byteOrder, seed);
  } else {
    for (let i = 0; i < rounds; i++) {
      for (let p = 0; p < PAGES; p++, ops++) seed = walChecksum(pages[p], byteOrder, seed);
    }
  }
  return Number(process.hrtime.bigint() - t0) / ops;
}

const perOp = [];
for (let warm = 0; warm < 2; warm++) {
  perOp.length = 0;
  for (let r = 0; r < REPS; r++) perOp.push(run());
}
perOp.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    impl,
    case: which,
    order,
    nsPerOp: perOp[REPS >> 1],
    bytes: big ? BIG_BYTES : PAGE_BYTES,
    first: [first.s1, first.s2],
    sink: seed.s1 ^ seed.s2,
  }),
);
