import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyDatabase, makeTempDir, makeWalDatabase, removeTempDir, type DatabaseFiles } from '@litewal/sqlite-fixtures';
import { FaultVfs, NodeVfs, type CrashPlan } from '@litewal/vfs';
import { checkpointDatabase, type CheckpointMode } from '../src/index.js';
import { CrashPoints, PowerCut, type Step } from './support/crash-points.js';
import { VARIED_STATEMENTS, contents, litewalCheckpoint, sqliteView } from './support/sqlite-twins.js';

/**
 * Updates scattered over a checkpointed table, new pages at the end, deletes: the WAL's pages
 * are not one run, so the copy makes several writes.
 */
const SCATTERED_STATEMENTS: readonly string[] = [
  'CREATE TABLE t(id INTEGER PRIMARY KEY, v BLOB);',
  'INSERT INTO t(v) SELECT randomblob(400) FROM generate_series(1, 300);',
  'PRAGMA wal_checkpoint(TRUNCATE);',
  'UPDATE t SET v = randomblob(400) WHERE id % 41 = 0;',
  'INSERT INTO t(v) SELECT randomblob(3000) FROM generate_series(1, 12);',
  'DELETE FROM t WHERE id BETWEEN 100 AND 130;',
  'PRAGMA user_version = 3;',
];

/** How the crash treats what was not synced: whole-operation fates, and torn writes at 512 and 4096. */
const PLANS: ReadonlyArray<{ readonly name: string; readonly sectorSize: 512 | 4096; readonly plan: CrashPlan | undefined }> = [
  { name: 'drop everything unsynced', sectorSize: 512, plan: 'drop' },
  { name: 'keep everything unsynced', sectorSize: 512, plan: 'keep' },
  { name: 'tear writes at 512, keep truncates', sectorSize: 512, plan: (op) => (op.kind === 'write' ? 'tear' : 'keep') },
  { name: 'tear writes at 4096, drop truncates', sectorSize: 4096, plan: (op) => (op.kind === 'write' ? 'tear' : 'drop') },
  { name: 'seeded random fates, torn at 512', sectorSize: 512, plan: undefined },
];

let dir: string;
let counter = 0;

beforeAll(async () => {
  dir = await makeTempDir('litewal-checkpoint-crash-');
});
afterAll(async () => {
  await removeTempDir(dir);
});

interface Source {
  readonly files: DatabaseFiles;
  readonly contents: unknown;
  readonly steps: readonly Step[];
}

/** A database made by SQLite, what it holds, and the steps a checkpoint of it takes. */
async function source(name: string, statements: readonly string[], mode: CheckpointMode): Promise<Source> {
  const files = await makeWalDatabase({ dir: path.join(dir, name), statements });
  const dry = await copyDatabase(files.db, path.join(dir, name), 'dry.db');
  const points = new CrashPoints(new NodeVfs(), dry.db, 0, 'before');
  await checkpointDatabase(points, dry.db, { mode });
  return { files, contents: await contents(files.db), steps: points.steps };
}

/**
 * Copies the source, checkpoints the copy through FaultVfs until the power is cut before or
 * after step `at`, crashes as `plan` says, then reopens: SQLite must find every committed row
 * and pass integrity_check, and a litewal TRUNCATE checkpoint must then finish the job.
 */
async function crashAndReopen(src: Source, mode: CheckpointMode, at: number, when: 'before' | 'after', plan: (typeof PLANS)[number]): Promise<void> {
  const copy = await copyDatabase(src.files.db, path.dirname(src.files.db), `crash-${++counter}.db`);
  const fault = new FaultVfs(new NodeVfs(), { sectorSize: plan.sectorSize, seed: counter });
  const error = await checkpointDatabase(new CrashPoints(fault, copy.db, at, when), copy.db, { mode }).catch((e: unknown) => e);
  expect(rootCause(error)).toBeInstanceOf(PowerCut); // the fence reports a cut during its fsync as DbSyncFailedError
  await fault.crash(plan.plan);
  const label = `${mode}, power cut ${when} step ${at} (${src.steps[at - 1]?.file} ${src.steps[at - 1]?.op}), ${plan.name}`;
  expect(await sqliteView(copy.db), label).toEqual({ integrity: 'ok', contents: src.contents });
  expect(await litewalCheckpoint(copy.db, 'truncate'), label).toBe('0|0|0');
  expect(await sqliteView(copy.db, true), label).toEqual({ integrity: 'ok', contents: src.contents });
}

function rootCause(error: unknown): unknown {
  return error instanceof Error && error.cause !== undefined ? rootCause(error.cause) : error;
}

describe.each([
  ['a shrinking database (VACUUM in the log), one run of pages', 'varied', VARIED_STATEMENTS, 'truncate', PLANS],
  ['scattered pages, several writes', 'scattered', SCATTERED_STATEMENTS, 'truncate', PLANS],
  ['scattered pages, RESTART', 'restart', SCATTERED_STATEMENTS, 'restart', PLANS.slice(2)],
] as const)('a power cut at every step of a checkpoint: %s', (_, name, statements, mode, plans) => {
  let src: Source;
  beforeAll(async () => {
    src = await source(name, statements, mode);
  });

  it('the checkpoint has the steps SQLite\'s has: WAL sync, writes, database truncate and sync, then (TRUNCATE) the WAL truncate', () => {
    const ops = src.steps.map((step) => `${step.file} ${step.op}`);
    const writes = ops.filter((op) => op === 'db write').length;
    expect(writes).toBeGreaterThanOrEqual(name === 'varied' ? 1 : 4);
    expect(ops).toEqual(['wal sync', ...Array<string>(writes).fill('db write'), 'db truncate', 'db sync', ...(mode === 'truncate' ? ['wal truncate'] : [])]);
  });

  it.each(plans)('$name: no committed row is lost, integrity_check passes, litewal finishes the checkpoint', async (plan) => {
    for (let at = 1; at <= src.steps.length; at++) {
      for (const when of ['before', 'after'] as const) await crashAndReopen(src, mode, at, when, plan);
    }
  }, 60_000);
});
