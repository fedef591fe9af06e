// Figures for @litewal/wal-fec, printed as one JSON object (and a summary on stderr):
//   1. success rate with exactly R random lost pages, Reed–Solomon vs RaptorQ;
//   2. encode / decode throughput of both codecs against XXH3-128 and a plain copy of the same
//      bytes (4 KiB pages), as MB/s and as ratios;
//   3. protectWal against SQLite (better-sqlite3) writing the same WAL, as a ratio.
// Needs a build (dist/):
//   pnpm --filter @litewal/wal-fec build && node packages/wal-fec/bench/measure.mjs [--quick] [--parts=rates,throughput,protect]
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { createHashes } from '@litewal/checksum';
import { NodeVfs } from '@litewal/vfs';
import { createRaptorQCodec, createReedSolomonCodec, protectWal, scanWal } from '../dist/index.js';

const quick = process.argv.includes('--quick');
// --parts rates,throughput,protect (default: all three)
const partsArg = process.argv.find((a) => a.startsWith('--parts='));
const parts = new Set((partsArg ? partsArg.slice(8) : 'rates,throughput,protect').split(','));
const hashes = await createHashes();
const codecs = { 'reed-solomon': createReedSolomonCodec(), raptorq: createRaptorQCodec() };

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const randomPages = (k, bytes, next) => Array.from({ length: k }, () => Uint8Array.from({ length: bytes }, () => next() & 255));

// 1. Success rate. Whether RaptorQ decodes depends on K and on which symbols arrive, not on the
// bytes, so small symbols (64 B) give many trials quickly; the 4 KiB case checks that claim.
const rateCases = [
  { k: 16, r: 2, bytes: 64, trials: 20000 },
  { k: 16, r: 4, bytes: 64, trials: 20000 },
  { k: 64, r: 2, bytes: 64, trials: 5000 },
  { k: 64, r: 4, bytes: 64, trials: 5000 },
  { k: 200, r: 4, bytes: 64, trials: 2000 },
  { k: 64, r: 2, bytes: 4096, trials: 1000 },
];
const rates = [];
for (const c of parts.has('rates') ? rateCases : []) {
  const trials = quick ? Math.ceil(c.trials / 20) : c.trials;
  for (const [name, codec] of Object.entries(codecs)) {
    const next = mulberry32(c.k * 1000 + c.r);
    let failures = 0;
    let wrong = 0;
    for (let t = 0; t < trials; t++) {
      const pages = randomPages(c.k, c.bytes, next);
      const { symbols, parameter } = codec.encode(pages, c.r);
      const lost = new Set();
      while (lost.size < c.r) lost.add(next() % c.k);
      const out = codec.decode(pages.map((p, i) => (lost.has(i) ? null : p)), symbols, c.bytes, parameter);
      if (out === null) failures++;
      else if (out.some((p, i) => Buffer.compare(p, pages[i]) !== 0)) wrong++;
    }
    rates.push({ codec: name, k: c.k, r: c.r, lost: c.r, symbolBytes: c.bytes, trials, failures, wrong, successRate: 1 - failures / trials });
  }
}

// 2. Throughput, 4 KiB pages, median of timed repetitions after warm-up.
function timeIt(fn, reps) {
  for (let i = 0; i < 5; i++) fn();
  const ms = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return median(ms);
}
const throughput = [];
for (const { k, r } of parts.has('throughput') ? [{ k: 64, r: 2 }, { k: 200, r: 4 }] : []) {
  const next = mulberry32(k);
  const pages = randomPages(k, 4096, next);
  const mb = (k * 4096) / 1e6;
  const reps = quick ? 5 : 25;
  const copy = new Uint8Array(k * 4096);
  const baseline = {
    xxh3: timeIt(() => pages.forEach((p) => hashes.xxh3_128(p)), reps),
    copy: timeIt(() => pages.forEach((p, i) => copy.set(p, i * 4096)), reps),
  };
  const row = { k, r, pageBytes: 4096, groupMB: mb, xxh3MBps: mb / (baseline.xxh3 / 1e3), copyMBps: mb / (baseline.copy / 1e3) };
  for (const [name, codec] of Object.entries(codecs)) {
    const { symbols, parameter } = codec.encode(pages, r);
    const lostSources = pages.map((p, i) => (i % Math.floor(k / r) === 0 && i / Math.floor(k / r) < r ? null : p));
    const enc = timeIt(() => codec.encode(pages, r), reps);
    const dec = timeIt(() => {
      if (codec.decode(lostSources, symbols, 4096, parameter) === null) throw new Error(`${name} failed to decode`);
    }, reps);
    row[name] = {
      encodeMs: enc,
      encodeMBps: mb / (enc / 1e3),
      decodeMs: dec,
      decodeMBps: mb / (dec / 1e3),
      encodeVsXxh3: baseline.xxh3 / enc,
      decodeVsXxh3: baseline.xxh3 / dec,
    };
  }
  throughput.push(row);
}

// 3. protectWal against SQLite writing the WAL it protects.
const vfs = new NodeVfs();
const protect = [];
for (const synchronous of parts.has('protect') ? ['NORMAL', 'FULL'] : []) {
  const runs = quick ? 2 : 5;
  const res = { synchronous, transactions: 200, sqliteMs: [], 'reed-solomon': [], raptorq: [], scanMs: [], frames: 0, walBytes: 0 };
  for (let run = 0; run < runs; run++) {
    for (const codec of ['reed-solomon', 'raptorq']) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'wal-fec-bench-'));
      const file = path.join(dir, 'b.db');
      const db = new Database(file);
      db.pragma('journal_mode = WAL');
      db.pragma('wal_autocheckpoint = 0');
      db.pragma(`synchronous = ${synchronous}`);
      db.exec('CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB)');
      const insert = db.prepare('WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 8) INSERT INTO t(v) SELECT randomblob(1500) FROM s');
      const txn = db.transaction(() => insert.run());
      const t0 = performance.now();
      for (let i = 0; i < res.transactions; i++) txn();
      const sqliteMs = performance.now() - t0;
      const t1 = performance.now();
      const result = await protectWal(vfs, file, { codec, repairSymbols: 2, hashes });
      const protectMs = performance.now() - t1;
      if (codec === 'reed-solomon') {
        res.sqliteMs.push(sqliteMs);
        const t2 = performance.now();
        await scanWal(vfs, file, { hashes });
        res.scanMs.push(performance.now() - t2);
      }
      res[codec].push(protectMs);
      res.frames = result.committedFrames;
      res.walBytes = 32 + result.committedFrames * 4120;
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const s = median(res.sqliteMs);
  protect.push({
    synchronous,
    transactions: res.transactions,
    frames: res.frames,
    walMB: res.walBytes / 1e6,
    sqliteWriteMs: s,
    protectMs: { 'reed-solomon': median(res['reed-solomon']), raptorq: median(res.raptorq) },
    scanMs: median(res.scanMs),
    protectOverSqlite: { 'reed-solomon': median(res['reed-solomon']) / s, raptorq: median(res.raptorq) / s },
  });
}

const out = { node: process.version, quick, rates, throughput, protect };
console.log(JSON.stringify(out, null, 2));
for (const r of rates) console.error(`rate ${r.codec.padEnd(12)} K=${r.k} R=${r.r} lost=${r.lost} T=${r.symbolBytes}: ${r.failures}/${r.trials} failed (${((1 - r.successRate) * 100).toFixed(3)} %), wrong ${r.wrong}`);
for (const t of throughput) {
  for (const c of ['reed-solomon', 'raptorq']) {
    console.error(`K=${t.k} R=${t.r} ${c.padEnd(12)} encode ${t[c].encodeMBps.toFixed(0)} MB/s (${t[c].encodeVsXxh3.toFixed(3)}× XXH3), decode ${t[c].decodeMBps.toFixed(0)} MB/s (${t[c].decodeVsXxh3.toFixed(3)}× XXH3); XXH3 ${t.xxh3MBps.toFixed(0)} MB/s, copy ${t.copyMBps.toFixed(0)} MB/s`);
  }
}
for (const p of protect) {
  console.error(`protect vs SQLite (synchronous=${p.synchronous}, ${p.transactions} txns, ${p.frames} frames): SQLite ${p.sqliteWriteMs.toFixed(1)} ms, RS ${p.protectMs['reed-solomon'].toFixed(1)} ms (×${p.protectOverSqlite['reed-solomon'].toFixed(2)}), RaptorQ ${p.protectMs.raptorq.toFixed(1)} ms (×${p.protectOverSqlite.raptorq.toFixed(2)}), scan ${p.scanMs.toFixed(1)} ms`);
}
