import { inspectWal, type InspectReport } from '../inspect/inspect-wal.js';
import { describeHolders, formatBytes } from '../inspect/words.js';
import type { WalInspection } from '../inspect/wal-summary.js';
import { EngineError } from '../errors.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';

/** Usage line of `litewal inspect`. */
export const INSPECT_USAGE = 'litewal inspect <db | db-wal> [--json]';

/**
 * `litewal inspect`: prints the WAL's header, valid prefix and stop reason, live against stale
 * frames, the `-shm` with the locks held now, and a verdict. Never writes.
 */
export async function inspectCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], []);
  const [path, extra] = args.positionals;
  if (path === undefined || extra !== undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${INSPECT_USAGE}`);
  const report = await inspectWal(path);
  if (args.flags.has('json')) printJson(io, report);
  else printSummary(io, report);
  return 0;
}

function printSummary(io: CliIo, report: InspectReport): void {
  printWal(io, report.wal);
  printSpace(io, report);
  printShm(io, report);
  io.stdout.write('verdict\n');
  for (const d of report.diagnosis) io.stdout.write(`  [${d.code}] ${d.message}\n`);
}

function printWal(io: CliIo, w: WalInspection): void {
  const header = w.headerValid
    ? `valid, ${w.byteOrder}-endian checksums (magic ${w.magic}), version ${w.version}`
    : 'INVALID: SQLite ignores this whole WAL';
  printTable(io, [
    ['WAL', `${w.path} (${w.bytes} bytes)`],
    ['header', header],
    ['page size', w.pageSize ?? '-'],
    ['checkpoint seq', w.checkpointSequence ?? '-'],
    ['salts', `${w.salt1 ?? '-'} ${w.salt2 ?? '-'}`],
    ['frames', `${w.frames.chained} valid, ${w.frames.committed} committed in ${w.frames.commits} commits, ${w.frames.uncommittedTail} uncommitted`],
    ['last commit', w.lastCommit === null ? 'none' : `frame ${w.lastCommit.frame}, database ${w.lastCommit.dbSizePages} pages`],
    ['scan stopped', `at frame ${w.stop.frame}: ${w.stop.reason}`],
    ['distinct pages', w.distinctPages],
  ]);
}

function printSpace(io: CliIo, { wal, space }: InspectReport): void {
  printTable(io, [
    ['live frames', `${space.liveFrames} committed, ${space.pendingFrames === null ? 'unknown how many' : space.pendingFrames} pending (not yet in the database)`],
    ['stale', `${space.staleFrames} frames of older generations, ${space.brokenFrames} frames past the break, ${space.trailingBytes} trailing bytes`],
    ['safe to truncate', `${formatBytes(space.safeToTruncateBytes)} of ${formatBytes(wal.bytes)} (${space.safeToTruncateReason})`],
  ]);
}

function printShm(io: CliIo, { shm }: InspectReport): void {
  if (shm === null) {
    printTable(io, [['-shm', 'none']]);
    return;
  }
  const copy = (c: (typeof shm.headers)['copy1']): string =>
    c.header === null ? `INVALID (${c.problem?.message})` : `mxFrame ${c.header.mxFrame}, nPage ${c.header.nPage}, change ${c.header.change}, checksum ok`;
  const marks = shm.readMarks.map((m) => `${m.slot}=${m.mark ?? 'unused'} (${m.lock})`).join(', ');
  const held = shm.locks.filter((l) => l.state !== 'free');
  printTable(io, [
    ['-shm', `${shm.path} (${shm.bytes} bytes)${shm.matchesWal ? '' : ', does not describe this WAL'}`],
    ['header copy 1', copy(shm.headers.copy1)],
    ['header copy 2', `${copy(shm.headers.copy2)}${shm.headers.agree ? ', identical to copy 1' : ', DIFFERS from copy 1'}`],
    ['backfill', `nBackfill ${shm.nBackfill ?? '-'}, nBackfillAttempted ${shm.nBackfillAttempted ?? '-'}`],
    ['read marks', marks],
    ['locks held now', held.length === 0 ? 'none' : held.map((l) => `${l.name} (byte ${l.offset}) ${l.state}, by ${describeHolders(l.holders)}`).join('; ')],
    ...(shm.lockProbe === 'proc-locks' ? [] : [['lock probe', LOCK_PROBE[shm.lockProbe]] as const]),
  ]);
}

const LOCK_PROBE = {
  'read-write': 'no /proc/locks: tested with locks taken and released at once, holders unnamed',
  'read-only': 'no /proc/locks and read-only access: only exclusive holders can be seen',
} as const;

