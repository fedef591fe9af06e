#!/usr/bin/env node
// Generates src/internal/wasm-kernel-bytes.ts: SQLite's WAL checksum as a hand-written WebAssembly
// module. The WAT built below is the source; the small assembler at the end of this file encodes it
// (no wabt needed), and the generated file embeds both the bytes and the WAT.
//
//   node scripts/gen-wasm-kernel.mjs          rewrite the generated file
//   node scripts/gen-wasm-kernel.mjs --check  exit 1 if the generated file is stale
//
// Why it is shaped like this. SQLite's loop, s1 += x0 + s2; s2 += x1 + s1, is one serial chain of
// two dependent adds per 8 bytes, so a single chain cannot beat ~2 cycles per pair (that is where
// gcc -O2 lands). The map is affine, though: one pair sends s = (s1, s2) to M s + v with
// M = [[1, 1], [1, 2]] (mod 2^32), so k pairs send s to M^k s + c, where c is the checksum of those
// k pairs started from (0, 0). The kernels therefore cut the input into 8 equal regions, run the 8
// chains at once as two i32x4 vectors (region 0 from the seed, the others from (0, 0)), and fold
// them at the end: s = M^k s + c_r for r = 1..7. Each iteration loads 16 bytes (2 pairs) of every
// region and transposes each group of four with i8x16.shuffle (the unpack patterns), so that lane r
// of x0 / x1 holds region r's words. M^(2^i), i = 0..31, is a table in a data segment: M^k costs
// one 2x2 product per set bit of k (a single one for a 4 KiB page). The bytes after the regions
// (< 128) continue one pair at a time. The big-endian kernel byte-swaps every loaded vector with
// one more shuffle, and uses rotates in the tail.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const OUTPUT = fileURLToPath(new URL('../src/internal/wasm-kernel-bytes.ts', import.meta.url));

/** Memory layout, shared with src/internal/wasm-engine.ts through the generated file. */
const RESULT_ADDR = 0; // s1 at 0, s2 at 4 (little-endian i32)
const POWERS_ADDR = 16; // 32 entries (a, b): M^(2^i) = [[a, b], [b, a + b]]
const DATA_BASE = 512; // staged input starts here
const MAX_STAGE_BYTES = 256 * 1024; // the most bytes staged at once (fits L2); bigger inputs go in chunks
const PAGE = 65536;
const INITIAL_PAGES = 2; // DATA_BASE + a 64 KiB page
const MAX_PAGES = Math.ceil((DATA_BASE + MAX_STAGE_BYTES) / PAGE);

const GROUPS = 2; // i32x4 chains
const REGIONS = 4 * GROUPS;
const BLOCK_SHIFT = Math.log2(REGIONS * 16); // log2 of the bytes one iteration consumes

const range = (n) => Array.from({ length: n }, (_, i) => i);

function powersTable() {
  const table = new Uint8Array(32 * 8);
  const view = new DataView(table.buffer);
  let a = 1;
  let b = 1; // M^1
  for (let i = 0; i < 32; i++) {
    view.setInt32(i * 8, a, true);
    view.setInt32(i * 8 + 4, b, true);
    // square [[a, b], [b, a + b]]: a' = a*a + b*b, b' = a*b + b*(a + b)
    const a2 = (Math.imul(a, a) + Math.imul(b, b)) | 0;
    const b2 = (Math.imul(a, b) + Math.imul(b, (a + b) | 0)) | 0;
    a = a2;
    b = b2;
  }
  return table;
}

// ---------------------------------------------------------------------------------------------
// WAT source (plain instructions, no folded expressions), built from a few repeated snippets.
// ---------------------------------------------------------------------------------------------

/** i8x16.shuffle immediates picking 32-bit lanes: 0-3 from the first operand, 4-7 from the second. */
const lanes = (...picks) => picks.flatMap((w) => range(4).map((i) => w * 4 + i)).join(' ');
const LO32 = lanes(0, 4, 1, 5); // [a0 b0 a1 b1]
const HI32 = lanes(2, 6, 3, 7); // [a2 b2 a3 b3]
const LO64 = lanes(0, 1, 4, 5); // [a0 a1 b0 b1]
const HI64 = lanes(2, 3, 6, 7); // [a2 a3 b2 b3]
const BSWAP = range(16).map((i) => (i & ~3) + 3 - (i & 3)).join(' '); // reverse each word's bytes

const ptr = (r) => (r === 0 ? 'p' : `p${r}`);
const LAST = ptr(REGIONS - 1);

/** Loads 16 bytes at ptr+0 into local `into`, byte-swapping each word when big-endian. */
const load = (big, from, into) =>
  big
    ? `
        local.get $${from}
        v128.load
        local.tee $${into}
        local.get $${into}
        i8x16.shuffle ${BSWAP}
        local.set $${into}`
    : `
        local.get $${from}
        v128.load
        local.set $${into}`;

/** One step of group g's four chains: u += x0 + v; v += x1 + u, x0 / x1 = lo64 / hi64 of (lo, hi). */
const step = (g, lo, hi) => `
        local.get $u${g}
        local.get $${lo}
        local.get $${hi}
        i8x16.shuffle ${LO64}
        i32x4.add
        local.get $v${g}
        i32x4.add
        local.set $u${g}
        local.get $v${g}
        local.get $${lo}
        local.get $${hi}
        i8x16.shuffle ${HI64}
        i32x4.add
        local.get $u${g}
        i32x4.add
        local.set $v${g}`;

/** Group g: 16 bytes of each of its four regions (two pairs each), transposed, two chain steps. */
const group = (big, g) => {
  const v = (c) => `${c}${g}`;
  return `${range(4).map((i) => load(big, ptr(4 * g + i), v('abcd'[i]))).join('')}
        ;; e = [a0 b0 a1 b1], f = [c0 d0 c1 d1], g = [a2 b2 a3 b3], h = [c2 d2 c3 d3]
        local.get $${v('a')}
        local.get $${v('b')}
        i8x16.shuffle ${LO32}
        local.set $${v('e')}
        local.get $${v('c')}
        local.get $${v('d')}
        i8x16.shuffle ${LO32}
        local.set $${v('f')}
        local.get $${v('a')}
        local.get $${v('b')}
        i8x16.shuffle ${HI32}
        local.set $${v('g')}
        local.get $${v('c')}
        local.get $${v('d')}
        i8x16.shuffle ${HI32}
        local.set $${v('h')}
        ;; x0 = [a0 b0 c0 d0], x1 = [a1 b1 c1 d1]; then the second pair of each region${step(g, v('e'), v('f'))}${step(g, v('g'), v('h'))}`;
};

/** The big-endian word at ptr+off: ((x & 0xff00ff00) rotl 8) | ((x & 0x00ff00ff) rotr 8). */
const wordBe = (from, off) => `
        local.get $${from}
        i32.load offset=${off}
        local.tee $t
        i32.const 0xff00ff00
        i32.and
        i32.const 8
        i32.rotl
        local.get $t
        i32.const 0x00ff00ff
        i32.and
        i32.const 8
        i32.rotr
        i32.or`;
const wordLe = (from, off) => `
        local.get $${from}
        i32.load offset=${off}`;

/** s1 += x0 + s2; s2 += x1 + s1 for the pair at `from`. */
const pair = (big, from) => {
  const word = big ? wordBe : wordLe;
  return `
        local.get $s1${word(from, 0)}
        i32.add
        local.get $s2
        i32.add
        local.set $s1
        local.get $s2${word(from, 4)}
        i32.add
        local.get $s1
        i32.add
        local.set $s2`;
};

/** (s1, s2) <- region 0's sums, then M^k (s1, s2) + region r's sums for r = 1..7, k = $k / 8 pairs. */
const fold = `
    local.get $u0
    i32x4.extract_lane 0
    local.set $s1
    local.get $v0
    i32x4.extract_lane 0
    local.set $s2
    local.get $k
    i32.const 3
    i32.shr_u
    local.set $k
    i32.const 1
    local.set $ra
    i32.const 0
    local.set $rb
    loop $pow
      ;; (ma, mb) = M^(2^ctz(k)) from the table
      local.get $k
      i32.ctz
      i32.const 3
      i32.shl
      local.tee $t
      i32.load offset=${POWERS_ADDR}
      local.set $ma
      local.get $t
      i32.load offset=${POWERS_ADDR + 4}
      local.set $mb
      ;; (ra, rb) <- (ra, rb) x (ma, mb): rb' = ra*mb + rb*ma + rb*mb, ra' = ra*ma + rb*mb
      local.get $ra
      local.get $mb
      i32.mul
      local.get $rb
      local.get $ma
      i32.mul
      i32.add
      local.get $rb
      local.get $mb
      i32.mul
      i32.add
      local.set $t
      local.get $ra
      local.get $ma
      i32.mul
      local.get $rb
      local.get $mb
      i32.mul
      i32.add
      local.set $ra
      local.get $t
      local.set $rb
      ;; k &= k - 1, again while bits are left
      local.get $k
      local.get $k
      i32.const 1
      i32.sub
      i32.and
      local.tee $k
      br_if $pow
    end${range(REGIONS - 1)
      .map((r) => [r + 1, (r + 1) >> 2, (r + 1) & 3])
      .map(
        ([region, g, lane]) => `
    ;; region ${region}: s2' = rb*s1 + (ra + rb)*s2 + v${g}[${lane}], s1' = ra*s1 + rb*s2 + u${g}[${lane}]
    local.get $rb
    local.get $s1
    i32.mul
    local.get $ra
    local.get $rb
    i32.add
    local.get $s2
    i32.mul
    i32.add
    local.get $v${g}
    i32x4.extract_lane ${lane}
    i32.add
    local.set $t
    local.get $ra
    local.get $s1
    i32.mul
    local.get $rb
    local.get $s2
    i32.mul
    i32.add
    local.get $u${g}
    i32x4.extract_lane ${lane}
    i32.add
    local.set $s1
    local.get $t
    local.set $s2`,
      )
      .join('')}`;

const kernel = (name, big) => `
  ;; ${name}(p, n, s1, s2): checksum of the n bytes at p (n % 8 == 0) from (s1, s2); result at ${RESULT_ADDR}
  (func $${name} (export "${name}") (param $p i32) (param $n i32) (param $s1 i32) (param $s2 i32)
    (local $end i32) (local $mid i32) (local $k i32) (local $ra i32) (local $rb i32) (local $ma i32) (local $mb i32) (local $t i32)
    ${range(REGIONS - 1).map((r) => `(local $${ptr(r + 1)} i32)`).join(' ')}
    ${range(GROUPS).map((g) => ['u', 'v', ...'abcdefgh'].map((c) => `(local $${c}${g} v128)`).join(' ')).join('\n    ')}
    ;; end = p + n; k = bytes per region = (n >> ${BLOCK_SHIFT}) << 4; region r = [p + r*k, p + (r+1)*k);
    ;; mid = p + k, the end of region 0
    local.get $p
    local.get $n
    i32.add
    local.set $end
    local.get $n
    i32.const ${BLOCK_SHIFT}
    i32.shr_u
    i32.const 4
    i32.shl
    local.tee $k
    local.get $p
    i32.add
    local.tee $mid
    local.set $p1${range(REGIONS - 2)
      .map(
        (r) => `
    local.get $${ptr(r + 1)}
    local.get $k
    i32.add
    local.set $${ptr(r + 2)}`,
      )
      .join('')}
    block $regions_done
      local.get $k
      i32.eqz
      br_if $regions_done
      ;; region 0 starts from (s1, s2), the others from (0, 0)
      v128.const i32x4 0 0 0 0
      local.get $s1
      i32x4.replace_lane 0
      local.set $u0
      v128.const i32x4 0 0 0 0
      local.get $s2
      i32x4.replace_lane 0
      local.set $v0
      loop $regions${range(GROUPS)
        .map((g) => group(big, g))
        .join('')}${range(REGIONS)
        .reverse()
        .map(
          (r) => `
        local.get $${ptr(r)}
        i32.const 16
        i32.add
        local.set $${ptr(r)}`,
        )
        .join('')}
        ;; again until region 0 reaches its end, mid
        local.get $p
        local.get $mid
        i32.lt_u
        br_if $regions
      end${fold}
    end
    ;; tail: the pairs after the regions, from the last region's end to end
    block $tail_done
      loop $tail
        local.get $${LAST}
        local.get $end
        i32.ge_u
        br_if $tail_done${pair(big, LAST)}
        local.get $${LAST}
        i32.const 8
        i32.add
        local.set $${LAST}
        br $tail
      end
    end
    i32.const ${RESULT_ADDR}
    local.get $s1
    i32.store offset=0
    i32.const ${RESULT_ADDR}
    local.get $s2
    i32.store offset=4
  )`;

function watSource() {
  const table = powersTable();
  const rows = range(table.length / 16).map(
    (row) => `"${Array.from(table.subarray(row * 16, row * 16 + 16), (b) => `\\${b.toString(16).padStart(2, '0')}`).join('')}"`,
  );
  return `(module
  (memory (export "memory") ${INITIAL_PAGES} ${MAX_PAGES})
  ;; M^(2^i), i = 0..31, as (a, b) little-endian i32 pairs
  (data (i32.const ${POWERS_ADDR})
    ${rows.join('\n    ')})
${kernel('le', false)}
${kernel('be', true)}
)
`;
}

// ---------------------------------------------------------------------------------------------
// A tiny assembler for the WAT subset used above.
// ---------------------------------------------------------------------------------------------

function tokenize(text) {
  const tokens = [];
  const re = /\s+|;;[^\n]*|(\()|(\))|("(?:[^"\\]|\\.)*")|([^\s()";]+)/gy;
  let m;
  while (re.lastIndex < text.length && (m = re.exec(text)) !== null) {
    if (m[1] !== undefined) tokens.push('(');
    else if (m[2] !== undefined) tokens.push(')');
    else if (m[3] !== undefined) tokens.push({ string: m[3] });
    else if (m[4] !== undefined) tokens.push(m[4]);
  }
  if (re.lastIndex < text.length) throw new Error(`cannot tokenize at ${re.lastIndex}`);
  return tokens;
}

function parseTree(tokens) {
  let i = 0;
  const list = () => {
    const out = [];
    for (;;) {
      const t = tokens[i++];
      if (t === undefined) throw new Error('unbalanced parentheses');
      if (t === ')') return out;
      out.push(t === '(' ? list() : t);
    }
  };
  if (tokens[i++] !== '(') throw new Error('expected (');
  const tree = list();
  if (i !== tokens.length) throw new Error('trailing tokens');
  return tree;
}

const u32 = (n) => {
  const out = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const s32 = (n) => {
  const out = [];
  n |= 0;
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
};
const vec = (items) => [...u32(items.length), ...items.flat()];
const name = (s) => vec([...new TextEncoder().encode(s)]);
const section = (id, bytes) => [id, ...u32(bytes.length), ...bytes];
const unquote = (s) =>
  s.slice(1, -1).replace(/\\([0-9a-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16)));

const VALTYPE = { i32: 0x7f, v128: 0x7b };
const PLAIN = {
  'i32.eqz': [0x45], 'i32.lt_u': [0x49], 'i32.ge_u': [0x4f], 'i32.ctz': [0x68], 'i32.add': [0x6a],
  'i32.sub': [0x6b], 'i32.mul': [0x6c], 'i32.and': [0x71], 'i32.or': [0x72], 'i32.shl': [0x74],
  'i32.shr_u': [0x76], 'i32.rotl': [0x77], 'i32.rotr': [0x78],
};
const MEMORY = { 'i32.load': [[0x28], 2], 'i32.store': [[0x36], 2], 'v128.load': [[0xfd, 0x00], 4] };
const LOCAL = { 'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22 };

function assembleFunction(items) {
  const params = [];
  const locals = [];
  let exportName = null;
  let at = 0;
  for (; at < items.length && Array.isArray(items[at]); at++) {
    const [kind, ...rest] = items[at];
    if (kind === 'export') exportName = unquote(rest[0].string);
    else if (kind === 'param') params.push([rest[0], rest[1]]);
    else if (kind === 'local') locals.push([rest[0], rest[1]]);
    else throw new Error(`unsupported func field ${kind}`);
  }
  const index = new Map([...params, ...locals].map(([n], i) => [n, i]));
  const labels = [];
  const code = [];
  const next = () => items[at++];
  const depth = (label) => {
    const d = labels.lastIndexOf(label);
    if (d < 0) throw new Error(`unknown label ${label}`);
    return labels.length - 1 - d;
  };
  while (at < items.length) {
    const op = next();
    if (op in PLAIN) code.push(...PLAIN[op]);
    else if (op in LOCAL) {
      const slot = index.get(next());
      if (slot === undefined) throw new Error(`unknown local in ${op}`);
      code.push(LOCAL[op], ...u32(slot));
    } else if (op === 'i32.const') code.push(0x41, ...s32(Number(next())));
    else if (op in MEMORY) {
      const [opcode, align] = MEMORY[op];
      const offset = typeof items[at] === 'string' && items[at].startsWith('offset=') ? Number(next().slice(7)) : 0;
      code.push(...opcode, align, ...u32(offset));
    } else if (op === 'i8x16.shuffle') {
      code.push(0xfd, 0x0d);
      for (let lane = 0; lane < 16; lane++) code.push(Number(next()));
    } else if (op === 'i32x4.extract_lane') code.push(0xfd, 0x1b, Number(next()));
    else if (op === 'i32x4.replace_lane') code.push(0xfd, 0x1c, Number(next()));
    else if (op === 'i32x4.add') code.push(0xfd, ...u32(0xae));
    else if (op === 'v128.const') {
      if (next() !== 'i32x4') throw new Error('v128.const: only i32x4 is supported');
      const lanes = new DataView(new ArrayBuffer(16));
      for (let lane = 0; lane < 4; lane++) lanes.setInt32(lane * 4, Number(next()), true);
      code.push(0xfd, 0x0c, ...new Uint8Array(lanes.buffer));
    } else if (op === 'block' || op === 'loop') {
      labels.push(next());
      code.push(op === 'block' ? 0x02 : 0x03, 0x40);
    } else if (op === 'end') {
      labels.pop();
      code.push(0x0b);
    } else if (op === 'br' || op === 'br_if') code.push(op === 'br' ? 0x0c : 0x0d, ...u32(depth(next())));
    else throw new Error(`unsupported instruction ${String(op)}`);
  }
  if (labels.length !== 0) throw new Error('unclosed block');
  const groups = locals.map(([, t]) => [1, VALTYPE[t]]);
  const body = [...vec(groups), ...code, 0x0b];
  const type = [0x60, ...vec(params.map(([, t]) => [VALTYPE[t]])), ...vec([])];
  return { type, body: [...u32(body.length), ...body], exportName };
}

function assemble(wat) {
  const [head, ...fields] = parseTree(tokenize(wat));
  if (head !== 'module') throw new Error('expected (module ...)');
  const types = [];
  const funcs = [];
  const exports = [];
  const codes = [];
  let memory = null;
  const data = [];
  for (const [kind, ...rest] of fields) {
    if (kind === 'memory') {
      const [[, exported], min, max] = rest;
      memory = [0x01, ...u32(Number(min)), ...u32(Number(max))];
      exports.push([...name(unquote(exported.string)), 0x02, 0x00]);
    } else if (kind === 'data') {
      const [[, offset], ...strings] = rest;
      const raw = strings.flatMap((str) => [...unquote(str.string)].map((c) => c.charCodeAt(0)));
      data.push([0x00, 0x41, ...s32(Number(offset)), 0x0b, ...vec(raw)]);
    } else if (kind === 'func') {
      const fn = assembleFunction(rest.slice(1));
      const key = JSON.stringify(fn.type);
      let typeIndex = types.findIndex((t) => JSON.stringify(t) === key);
      if (typeIndex < 0) typeIndex = types.push(fn.type) - 1;
      if (fn.exportName !== null) exports.push([...name(fn.exportName), 0x00, ...u32(funcs.length)]);
      funcs.push(u32(typeIndex));
      codes.push(fn.body);
    } else throw new Error(`unsupported module field ${kind}`);
  }
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(3, vec(funcs)),
    ...section(5, vec([memory])),
    ...section(7, vec(exports)),
    ...section(10, vec(codes)),
    ...section(11, vec(data)),
  ]);
}

function render(wat, bytes) {
  const rows = [];
  for (let i = 0; i < bytes.length; i += 24) {
    rows.push(`  ${Array.from(bytes.subarray(i, i + 24), (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', ')},`);
  }
  const commented = wat.trimEnd().split('\n').map((line) => ` * ${line}`.trimEnd()).join('\n');
  return `// Generated by scripts/gen-wasm-kernel.mjs: do not edit. Run \`node scripts/gen-wasm-kernel.mjs\`.

/** Byte offset of the kernel's result: s1 at +0, s2 at +4 (little-endian i32). */
export const WASM_RESULT_ADDR = ${RESULT_ADDR};
/** Byte offset where staged input starts in the kernel's memory. */
export const WASM_DATA_BASE = ${DATA_BASE};
/** Largest number of bytes staged at once (a multiple of 8); larger inputs go in chunks. */
export const WASM_MAX_STAGE_BYTES = ${MAX_STAGE_BYTES};
/** The memory's declared maximum, in 64 KiB pages. */
export const WASM_MAX_PAGES = ${MAX_PAGES};

/**
 * The kernel module, ${bytes.length} bytes, encoded from this WAT:
 *
 * \`\`\`wat
${commented}
 * \`\`\`
 */
export const WASM_KERNEL_BYTES: Uint8Array<ArrayBuffer> = new Uint8Array([
${rows.join('\n')}
]);
`;
}

const wat = watSource();
const output = render(wat, assemble(wat));
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUTPUT, 'utf8');
  } catch {
    // a missing file is stale
  }
  if (current !== output) {
    console.error(`${OUTPUT} is stale: run node scripts/gen-wasm-kernel.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUTPUT, output);
  console.log(`wrote ${OUTPUT}`);
}
