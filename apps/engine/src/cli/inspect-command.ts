import { inspectWal, type WalInspection } from '../inspect/inspect-wal.js';
import { EngineError } from '../errors.js';
import { parseArgs } from './args.js';
import { printJson, printTable, type CliIo } from './output.js';

/** Usage line of `litewal inspect`. */
export const INSPECT_USAGE = 'litewal inspect <db | db-wal> [--json]';

/** `litewal inspect`: prints the WAL's header, valid prefix and stop reason. Never writes. */
export async function inspectCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, ['json'], []);
  const [path, extra] = args.positionals;
  if (path === undefined || extra !== undefined) throw new EngineError('ERR_ENGINE_USAGE', `usage: ${INSPECT_USAGE}`);
  const report = await inspectWal(path);
  if (args.flags.has('json')) printJson(io, report);
  else printSummary(io, report.wal);
  return 0;
}

function printSummary(io: CliIo, w: WalInspection): void {
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
