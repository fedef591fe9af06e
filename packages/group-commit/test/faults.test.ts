import { describe, expect, it } from 'vitest';
import type { CrashAction, FaultCallCounts, FaultKind } from '@litewal/vfs';
import type { GroupFailedError } from '../src/index.js';
import { runCommitters, setupWal, WAL_PATH, type Scenario } from './support/scenario.js';
import { StepVfs } from './support/step-vfs.js';
import { verifyLog, type CommitRecord, type Told } from './support/verify-log.js';

const PLANS: readonly CrashAction[] = ['drop', 'keep', 'tear'];

const FULL: readonly Scenario[] = [1, 2, 8, 64].map((committers, i) => ({
  committers,
  rounds: 2,
  synchronous: 'full',
  startEmpty: i % 2 === 0,
  gate: i >= 2,
}));

function tally(records: readonly CommitRecord[], into: Record<Told, number>): void {
  for (const r of records) into[r.told as Told]++;
}

function totalCalls(calls: FaultCallCounts): number {
  return calls.open + calls.read + calls.write + calls.sync + calls.truncate;
}

const CRASHED: readonly Scenario[] = [...FULL, { committers: 8, rounds: 2, synchronous: 'normal', startEmpty: false, gate: true }];

/** Every crash point of a 64-committer flush is a full run: seconds on a busy 2-vCPU machine. */
const CRASH_SWEEP_TIMEOUT_MS = 60_000;

describe.each(CRASHED)('$committers committer(s), synchronous $synchronous, gate $gate: a crash before each I/O call', (scenario) => {
  // Under normal, a commit told durable was only written: a crash may lose the latest ones.
  const durableSurvives = scenario.synchronous === 'full';
  it('durable commits survive with their bytes (full) or lose only a suffix (normal); failed ones are absent', async () => {
    const dry = new StepVfs((await setupWal(1, scenario.startEmpty)).fault);
    await runCommitters(dry, scenario, () => dry.arm(Infinity, 'drop'));
    const steps = dry.steps;
    const seen: Record<Told, number> = { durable: 0, failed: 0, unknown: 0 };
    let lost = 0;
    for (let crashAt = 1; crashAt <= steps + 1; crashAt++) {
      for (const plan of PLANS) {
        const { fault, base } = await setupWal(crashAt * 3 + PLANS.indexOf(plan), scenario.startEmpty);
        const vfs = new StepVfs(fault);
        const { records } = await runCommitters(vfs, scenario, () => vfs.arm(crashAt, plan));
        if (!vfs.dead) await fault.crash(plan);
        const present = await verifyLog(fault, WAL_PATH, [...base, ...records], durableSurvives);
        lost += records.filter((r) => r.told === 'durable' && !present.includes(r.id)).length;
        tally(records, seen);
      }
    }
    // Each kind of answer was given somewhere among the crash points.
    expect(seen.durable).toBeGreaterThan(0);
    expect(seen.failed).toBeGreaterThan(0);
    expect(seen.unknown).toBeGreaterThan(0);
    expect(lost > 0).toBe(!durableSurvives);
  }, CRASH_SWEEP_TIMEOUT_MS);
});

const FAULTED: readonly Scenario[] = [
  ...FULL,
  { committers: 8, rounds: 2, synchronous: 'normal', startEmpty: true, gate: false },
  { committers: 8, rounds: 2, synchronous: 'off', startEmpty: false, gate: true },
];

describe.each(FAULTED)('$committers committer(s), synchronous $synchronous, gate $gate: one injected fault at each I/O call', (scenario) => {
  it('fails exactly one group, rolls it back for good, and every later group succeeds', async () => {
    const { fault: dryFault } = await setupWal(1, scenario.startEmpty);
    let before: FaultCallCounts = dryFault.calls;
    await runCommitters(dryFault, scenario, () => {
      before = dryFault.calls;
    });
    const after = dryFault.calls;
    const calls = totalCalls(after) - totalCalls(before);
    const writes = after.write - before.write;
    const faults: { kind: FaultKind; nth: number }[] = [];
    for (let nth = 1; nth <= calls; nth++) faults.push({ kind: 'eio', nth }, { kind: 'enospc', nth });
    for (let nth = 1; nth <= writes; nth++) faults.push({ kind: 'short-write', nth });
    let rolledBack = 0;
    for (const [i, { kind, nth }] of faults.entries()) {
      const { fault, base } = await setupWal(i + 7, scenario.startEmpty);
      let truncatesBefore = 0;
      const { records, sink } = await runCommitters(fault, scenario, () => {
        truncatesBefore = fault.calls.truncate;
        fault.injectFault({ operation: kind === 'short-write' ? 'write' : 'any', kind, nth, path: WAL_PATH });
      });
      const failed = records.filter((r) => r.told === 'failed');
      const label = `${kind} at call ${nth}`;
      expect(failed.length, label).toBeGreaterThan(0);
      expect(new Set(failed.map((r) => (r.error as GroupFailedError).epoch)).size, label).toBe(1);
      expect(records.filter((r) => r.told !== 'failed').every((r) => r.told === 'durable'), label).toBe(true);
      expect(sink.broken, label).toBe(false);
      if (fault.calls.truncate > truncatesBefore) rolledBack++;
      // Unsynced bytes of the failed group must not come back, whatever the crash keeps.
      const plan = PLANS[i % PLANS.length] as CrashAction;
      const effective = scenario.synchronous === 'full' ? plan : 'keep';
      await fault.crash(effective);
      await verifyLog(fault, WAL_PATH, [...base, ...records], true);
    }
    expect(rolledBack).toBeGreaterThan(0);
  });
});
