import { Telemetry } from '@litewal/telemetry';
import { EngineError } from '../errors.js';
import { databaseStats, type DatabaseStats } from '../stats/database-stats.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';

/** Usage line of `litewal stats`. */
export const STATS_USAGE = 'litewal stats <db> [--json | --prometheus]';

/** `litewal stats`: the WAL and wal-index state of a database, possibly in use. Read-only. */
export async function statsCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json', 'prometheus'], []);
  const [db, extra] = args.positionals;
  if (db === undefined || extra !== undefined || (args.flags.has('json') && args.flags.has('prometheus'))) {
    throw new EngineError('ERR_ENGINE_USAGE', `usage: ${STATS_USAGE}`);
  }
  const stats = await databaseStats(db);
  if (args.flags.has('json')) printJson(io, stats);
  else if (args.flags.has('prometheus')) io.stdout.write(toPrometheus(stats));
  else printSummary(io, stats);
  return 0;
}

function printSummary(io: CliIo, s: DatabaseStats): void {
  const i = s.index;
  printTable(io, [
    ['WAL', `${s.wal.path} (${s.wal.bytes} bytes)`],
    ['frames', `${s.wal.frames} valid, ${s.wal.committed} committed in ${s.wal.groups} groups, ${s.wal.uncommitted} uncommitted`],
    ['wal-index', i === null ? 'none (SQLite rebuilds it on open)' : `${i.path} (${i.bytes} bytes)${i.headerProblem === null ? '' : `: ${i.headerProblem}`}`],
    ['mxFrame / nPage', i?.mxFrame == null ? '-' : `${i.mxFrame} / ${i.nPage}`],
    ['backfilled', i === null ? '-' : `${i.backfilled} (attempted ${i.backfillAttempted}), ${s.pendingFrames ?? '-'} pending`],
    ['read marks', i === null ? '-' : i.readMarks.map((m) => (m === null ? 'free' : String(m))).join(' ')],
  ]);
}

function toPrometheus(s: DatabaseStats): string {
  const t = new Telemetry({ timing: false, labels: { wal: s.wal.path } });
  t.gauge('litewal_wal_bytes', 'Size of the WAL file in bytes.').set(s.wal.bytes);
  t.gauge('litewal_wal_frames_valid', 'Frames in the valid prefix of the WAL.').set(s.wal.frames);
  t.gauge('litewal_wal_frames_committed', 'The last committed frame of the WAL (mxFrame).').set(s.wal.committed);
  t.gauge('litewal_wal_commit_groups', 'Commit frames in the committed log.').set(s.wal.groups);
  if (s.index !== null) {
    t.gauge('litewal_wal_index_backfilled_frames', 'Frames already copied into the database (nBackfill).').set(s.index.backfilled);
    if (s.pendingFrames !== null) t.gauge('litewal_wal_index_pending_frames', 'Committed frames not yet checkpointed.').set(s.pendingFrames);
    const used = s.index.readMarks.filter((m, i) => i > 0 && m !== null).length;
    t.gauge('litewal_wal_index_read_marks_used', 'Read marks 1..4 in use.').set(used);
  }
  return t.prometheus();
}
