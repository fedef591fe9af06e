/**
 * Commit throughput and latency on NodeVfs in a temp dir, one 4 KiB page per commit: group commit
 * (WalFileSink, synchronous full: one write + one fdatasync per group) against the plain way, one
 * write + fdatasync per commit with the committers taking turns. N closed-loop committers each commit
 * again as soon as their previous commit is durable; one bench iteration is 256 commits in all.
 * Both WALs wrap after 1000 frames as an auto-checkpointed SQLite WAL does (the group-commit one
 * through WalFile.reset(), so a new header and its sync). After the run a table gives commits/s and
 * p50/p99 commit latency from every commit timed in the measured iterations.
 *
 *   pnpm exec vitest bench --run --project @litewal/group-commit
 */
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { makeTempDir, removeTempDir } from '@litewal/sqlite-fixtures';
import { NodeVfs } from '@litewal/vfs';
import { frameBytes, frameOffset } from '@litewal/wal-file';
import { GroupCommit, WalFileSink } from '../src/index.js';

const PAGE = 4096;
const COMMITS_PER_ITERATION = 256;
const WRAP_FRAMES = 1000;
const vfs = new NodeVfs();
const dir = await makeTempDir('litewal-group-commit-bench-');
const page = new Uint8Array(PAGE).fill(0x5a);

/** Latencies (µs) and busy time of one bench task, measured iterations only. */
class Sampler {
  readonly latencies: number[] = [];
  elapsedMs = 0;
  commits = 0;
  measuring = false;

  async time(commit: () => Promise<unknown>): Promise<void> {
    const start = performance.now();
    await commit();
    if (this.measuring) this.latencies.push((performance.now() - start) * 1000);
  }

  summary(): { commitsPerSecond: number; p50: number; p99: number } {
    const sorted = Float64Array.from(this.latencies).sort();
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
    return { commitsPerSecond: (this.commits / this.elapsedMs) * 1000, p50: at(0.5), p99: at(0.99) };
  }
}

/** Runs `committers` closed loops sharing COMMITS_PER_ITERATION commits. */
async function iteration(sampler: Sampler, committers: number, commit: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  const each = COMMITS_PER_ITERATION / committers;
  await Promise.all(
    Array.from({ length: committers }, async () => {
      for (let i = 0; i < each; i++) await sampler.time(commit);
    }),
  );
  if (sampler.measuring) {
    sampler.elapsedMs += performance.now() - start;
    sampler.commits += COMMITS_PER_ITERATION;
  }
}

const rows: { committers: number; variant: string; sampler: Sampler; ratio: string }[] = [];
const closers: (() => Promise<void>)[] = [];

for (const committers of [1, 8, 64]) {
  const sink = await WalFileSink.open(vfs, join(dir, `group-${committers}.db-wal`), { pageSize: PAGE, synchronous: 'full' });
  const group = new GroupCommit(sink);
  const grouped = new Sampler();
  const commitGrouped = async (): Promise<unknown> => {
    if (sink.wal.lastFrame >= WRAP_FRAMES && group.pending === 0) await sink.wal.reset();
    return group.commit({ pages: [{ pageNumber: 1, data: page }], commitSize: 1 });
  };

  const plain = await vfs.open(join(dir, `plain-${committers}.db-wal`), { create: true });
  const frame = new Uint8Array(frameBytes(PAGE));
  frame.set(page, 24);
  let next = 1;
  let turn: Promise<unknown> = Promise.resolve();
  const plainSampler = new Sampler();
  const commitPlain = (): Promise<unknown> => {
    const mine = turn.then(async () => {
      await plain.write(frame, frameOffset(next, PAGE));
      await plain.sync('data');
      next = next >= WRAP_FRAMES ? 1 : next + 1;
    });
    turn = mine;
    return mine;
  };

  const hooks = (sampler: Sampler) => ({
    time: 1500,
    warmupTime: 200,
    setup: (_task: unknown, mode: 'warmup' | 'run') => {
      sampler.measuring = mode === 'run';
    },
  });
  describe(`${committers} committer(s), one 4 KiB page per commit, ${COMMITS_PER_ITERATION} commits per iteration`, () => {
    bench('group commit (WalFileSink, synchronous full)', () => iteration(grouped, committers, commitGrouped), hooks(grouped));
    bench('write + fdatasync per commit', () => iteration(plainSampler, committers, commitPlain), hooks(plainSampler));
  });
  rows.push({ committers, variant: 'group commit, full', sampler: grouped, ratio: 'from stats' });
  rows.push({ committers, variant: 'write + fdatasync each', sampler: plainSampler, ratio: '1' });
  closers.push(async () => {
    const row = rows.find((r) => r.sampler === grouped);
    if (row !== undefined) row.ratio = group.stats().fsyncReductionRatio.toFixed(1);
    await group.close();
    await sink.close();
    await plain.close();
  });
}

afterAll(async () => {
  for (const close of closers) await close();
  const lines = ['| committers | variant | commits/s | p50 µs | p99 µs | commits per fsync |', '|---|---|---|---|---|---|'];
  for (const { committers, variant, sampler, ratio } of rows) {
    const s = sampler.summary();
    lines.push(`| ${committers} | ${variant} | ${Math.round(s.commitsPerSecond)} | ${Math.round(s.p50)} | ${Math.round(s.p99)} | ${ratio} |`);
  }
  console.log(lines.join('\n'));
  await removeTempDir(dir);
});
