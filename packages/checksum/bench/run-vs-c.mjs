#!/usr/bin/env node
// SQLite's WAL checksum: litewal (WebAssembly kernel and TypeScript fallback, through the public
// walChecksum) against SQLite's loop in C (bench/c/wal-cksum.c, gcc -O2), side by side in one run.
//
//   node packages/checksum/bench/run-vs-c.mjs [--rounds N]     (from the repository root)
//
// Builds the package (tsc -b) and the C program (gcc -O2, into bench/.work/), then runs N rounds
// (default 5). Each round runs every case (a loop over 256 distinct 4 KiB pages, and one 64 MiB
// buffer; LE and BE) in one fresh process per implementation, C first. Prints the medians over the
// rounds: ns per call, GB/s, and litewal's speed as a multiple of C's (C time / litewal time, so
// >= 0.8 is the target). Every implementation must report the same checksums, or it exits 1.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const work = fileURLToPath(new URL('.work/', import.meta.url));
const roundsFlag = process.argv.indexOf('--rounds');
const ROUNDS = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 5;

const CASES = [
  { which: 'page', order: 'le', label: '4 KiB page x256', iterations: { c: 200, wasm: 200, ts: 50 } },
  { which: 'page', order: 'be', label: '4 KiB page x256', iterations: { c: 200, wasm: 200, ts: 50 } },
  { which: 'big', order: 'le', label: '64 MiB buffer', iterations: { c: 3, wasm: 3, ts: 1 } },
  { which: 'big', order: 'be', label: '64 MiB buffer', iterations: { c: 3, wasm: 3, ts: 1 } },
];
const IMPLS = ['c', 'wasm', 'ts'];

const run = (file, args, cwd = pkg) => execFileSync(file, args, { cwd, encoding: 'utf8' }).trim();

console.log('building @litewal/checksum (tsc -b) and bench/c/wal-cksum.c (gcc -O2)...');
run('pnpm', ['exec', 'tsc', '-b']);
mkdirSync(work, { recursive: true });
run('gcc', ['-O2', '-o', `${work}wal-cksum`, 'bench/c/wal-cksum.c']);
const gcc = run('gcc', ['--version']).split('\n')[0];

const results = new Map(); // "which/order/impl" -> [{ nsPerOp, first, bytes }]
for (let round = 1; round <= ROUNDS; round++) {
  process.stdout.write(`round ${round}/${ROUNDS}\r`);
  for (const { which, order, iterations } of CASES) {
    for (const impl of IMPLS) {
      const line =
        impl === 'c'
          ? run(`${work}wal-cksum`, ['bench', which, order, String(iterations.c)])
          : run(process.execPath, ['bench/measure.mjs', impl, which, order, String(iterations[impl])]);
      const key = `${which}/${order}/${impl}`;
      results.set(key, [...(results.get(key) ?? []), JSON.parse(line)]);
    }
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
let mismatch = false;
console.log(`\nnode ${process.version}, ${gcc}, ${cpus()[0]?.model ?? 'unknown CPU'}, ${ROUNDS} rounds (medians)`);
console.log('case               order  impl   ns/op          GB/s    speed vs C');
for (const { which, order, label } of CASES) {
  const cNs = median(results.get(`${which}/${order}/c`).map((r) => r.nsPerOp));
  const cFirst = JSON.stringify(results.get(`${which}/${order}/c`)[0].first);
  for (const impl of IMPLS) {
    const rows = results.get(`${which}/${order}/${impl}`);
    const ns = median(rows.map((r) => r.nsPerOp));
    const gbs = rows[0].bytes / ns;
    const agrees = rows.every((r) => JSON.stringify(r.first) === cFirst);
    if (!agrees) mismatch = true;
    const name = impl === 'c' ? 'C' : impl;
    console.log(
      `${label.padEnd(18)} ${order.toUpperCase().padEnd(6)} ${name.padEnd(6)} ` +
        `${ns.toFixed(1).padStart(12)} ${gbs.toFixed(2).padStart(9)}    ${(cNs / ns).toFixed(2)}x` +
        (agrees ? '' : `  CHECKSUM MISMATCH: ${JSON.stringify(rows[0].first)} vs C ${cFirst}`),
    );
  }
}
if (mismatch) process.exit(1);
